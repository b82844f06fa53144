from __future__ import annotations

import pickle

import numpy as np
import pytest

from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.core.scheduling import DEFAULT_RESOURCES, Resources, UnknownResourceError


def test_construction_and_tuple_behaviour():
    assert Resources() == ("cpu", "mem") == DEFAULT_RESOURCES
    r = Resources("cpu", "mem", "disk")
    assert Resources(["cpu", "mem", "disk"]) == r and Resources(r) == r
    assert len(r) == 3 and list(r) == ["cpu", "mem", "disk"] and "disk" in r
    assert r.names == ("cpu", "mem", "disk") and type(r.names) is tuple
    assert repr(r) == "Resources('cpu', 'mem', 'disk')"
    assert pickle.loads(pickle.dumps(r)) == r and isinstance(
        pickle.loads(pickle.dumps(r)), Resources
    )
    assert hash(r) == hash(("cpu", "mem", "disk"))


def test_bad_names():
    with pytest.raises(ConfigError, match="unique"):
        Resources("cpu", "cpu")
    with pytest.raises(ConfigError, match="non-empty strings"):
        Resources("cpu", "")
    with pytest.raises(ConfigError, match="non-empty strings"):
        Resources(["cpu", 3])


def test_index_and_unknown_names():
    r = Resources("cpu", "mem", "net")
    assert r.index("net") == 2
    with pytest.raises(UnknownResourceError, match="unknown resource 'gpu'.*known: cpu, mem, net"):
        r.index("gpu")
    # it is both the shared lookup error and a ValueError, like tuple.index
    for exc in (UnknownNameError, ValueError, LookupError):
        with pytest.raises(exc):
            r.index("gpu")


def test_vectors():
    r = Resources("cpu", "mem", "disk")
    assert r.vector(cpu=1, disk=3).tolist() == [1.0, 0.0, 3.0]
    assert r.vector({"mem": 2.0}, cpu=0.5).tolist() == [0.5, 2.0, 0.0]
    assert r.zeros().tolist() == [0.0, 0.0, 0.0] and r.zeros(4).shape == (4, 3)
    with pytest.raises(UnknownResourceError):
        r.vector(gpu=1)
    with pytest.raises(ConfigError, match=">= 0"):
        r.vector(cpu=-1)
    assert r.as_dict([1, 2, 3]) == {"cpu": 1.0, "mem": 2.0, "disk": 3.0}
    assert r.format([0.5, 2, 0]) == "cpu=0.5 mem=2 disk=0"


def test_coerce_checks_shape_sign_and_finiteness():
    r = Resources()
    assert r.coerce([1, 2]).dtype == np.float64
    assert r.coerce({"mem": 3}).tolist() == [0.0, 3.0]
    for bad, msg in (
        ([1, 2, 3], "one value per resource"),
        ([[1, 2]], "one value per resource"),
        ([1, -2], ">= 0"),
        ([1, np.nan], "finite"),
        ([1, np.inf], "finite"),
        (["a", "b"], "numbers"),
    ):
        with pytest.raises(ConfigError, match=msg):
            r.coerce(bad)
    assert r.coerce_rows([1, 2], 5).shape == (2,)
    assert r.coerce_rows(np.ones((5, 2)), 5).shape == (5, 2)
    with pytest.raises(ConfigError, match="5 such rows"):
        r.coerce_rows(np.ones((4, 2)), 5)


def test_dominant_share():
    r = Resources()
    assert r.dominant_share([2, 1], [10, 16]) == 0.2
    np.testing.assert_allclose(r.dominant_share([[2, 1], [1, 8], [0, 0]], [10, 16]), [0.2, 0.5, 0])
    assert r.dominant_share([5, 1], [0, 10]) == 0.1  # a dimension with no capacity is ignored
