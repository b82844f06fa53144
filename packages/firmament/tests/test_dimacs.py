import pytest

from dcsys.core.cli import main
from dcsys.firmament import DimacsError, min_cost_flow, read_problem, write_problem, write_solution

PROBLEM = """c a small problem
p min 4 5
n 1 4
n 4 -4
a 1 2 0 4 2
a 1 3 0 2 2
a 2 3 0 2 1
a 2 4 0 3 3
a 3 4 0 5 1
c EOI
"""


def test_round_trip_and_solution_format():
    net = read_problem(PROBLEM)
    assert read_problem(write_problem(net)).cost.tolist() == net.cost.tolist()
    sol = min_cost_flow(net)
    text = write_solution(net, sol)
    assert "s 14" in text.splitlines()
    flows = sorted(line for line in text.splitlines() if line.startswith("f "))
    assert flows == ["f 1 2 2", "f 1 3 2", "f 2 3 2", "f 3 4 4"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a 1 2 0 1 1\np min 2 1", "line 1: 'a' line before the 'p min' line"),
        ("p min 2 1\nn 1 x", "line 2: n fields must be integers"),
        ("p min 2 1\na 1 5 0 1 1", "line 2: arc 1 -> 5 names a node outside 1..2"),
        ("p min 2 1\na 1 2 3 1 1", "line 2: arc bounds \\[3, 1\\] are invalid"),
        ("p min 2 2\na 1 2 0 1 1", "declares 2 arcs but 1 were given"),
        ("p max 2 1", "line 1: expected 'p min NODES ARCS'"),
        ("p min 2 0\nn 1 1", "supplies sum to 1"),
        ("p min 2 0\nq 1", "line 2: unknown line type 'q'"),
    ],
)
def test_errors_name_the_line(text, message):
    with pytest.raises(DimacsError, match=message):
        read_problem(text)


def test_cli_solve(tmp_path, capsys):
    path = tmp_path / "p.min"
    path.write_text(PROBLEM)
    assert main(["firmament", "solve", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "s 14" in out and "f 3 4 4" in out and out[-2].startswith("c ALGORITHM TIME ")
    assert out[-1] == "c EOI"
    assert main(["firmament", "solve", str(tmp_path / "missing.min")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.min"
    bad.write_text("p min 2 1\na 1 2 0 x 1\n")
    assert main(["firmament", "solve", str(bad)]) == 2
    assert "line 2" in capsys.readouterr().err


STREAM = (
    PROBLEM
    + """c round 2: 2 -> 4 becomes free (3 units at cost 2 via 1 -> 2, 1 unit at cost 3 via 1 -> 3 -> 4)
x 2 4 0 3 0 0 3
c EOI
n 5 0
a 1 5 0 4 0
a 5 4 0 4 0
r 3
c EOI
"""
)


def test_incremental_rounds():
    from dcsys.firmament import read_rounds

    nets = list(read_rounds(STREAM))
    assert len(nets) == 3
    costs = [min_cost_flow(n).cost for n in nets]
    assert costs[0] == 14
    assert costs[1] == 3 * 2 + 3
    assert costs[2] == 0  # the new path 1 -> 5 -> 4 is free and node 3 is gone
    assert 3 not in nets[2].tail.tolist() and 3 not in nets[2].head.tolist()


def test_incremental_errors():
    from dcsys.firmament import read_rounds

    with pytest.raises(DimacsError, match="line 11: no arc 1 -> 2 with cost 99"):
        list(read_rounds(PROBLEM + "x 1 2 0 1 1 0 99\nc EOI\n"))
    with pytest.raises(DimacsError, match="unknown change type 'z'"):
        list(read_rounds(PROBLEM + "z 1\nc EOI\n"))


def test_cli_solves_every_round(tmp_path, capsys):
    path = tmp_path / "stream.min"
    path.write_text(STREAM)
    assert main(["firmament", "solve", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("s ")] == ["s 14", "s 9", "s 0"]
    assert out.count("c EOI") == 3
