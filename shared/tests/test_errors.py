from dcsys.core.errors import DcsysError, UnknownNameError


def test_unknown_name_error_lists_known_names_sorted():
    err = UnknownNameError("system", "omegaa", ["omega", "core"])
    assert str(err) == "unknown system 'omegaa' (known: core, omega)"
    assert isinstance(err, DcsysError) and isinstance(err, LookupError)
