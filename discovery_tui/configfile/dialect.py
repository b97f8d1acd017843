"""The YAML dialect of config.yaml: one ruamel.yaml round-trip instance, and value conversion.

The instance keeps quotes, writes floats that YAML 1.1 (PyYAML, which LiteLLM uses) reads as
floats, and keeps how the file spelt a boolean (``True``, ``FALSE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ruamel.yaml import YAML

DEFAULT_INDENT = (2, 4, 2)  # mapping, sequence, offset: the LiteLLM docs' style


def round_trip_yaml(indent: tuple[int, int, int] = DEFAULT_INDENT) -> YAML:
    """A round-trip YAML instance in the config's dialect, with ``indent`` for dumping."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.representer import RoundTripRepresenter

    class _Constructor(RoundTripConstructor):
        pass

    class _Representer(RoundTripRepresenter):
        pass

    _Constructor.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    _Representer.add_representer(float, _represent_float)
    _Representer.add_representer(_text_bool_class(), _represent_text_bool)
    yaml = YAML()
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


_TEXT_BOOL: Any = None


def _text_bool_class() -> Any:
    """A bool that remembers how the file spelt it (``True``, ``FALSE``): LiteLLM's docs write
    ``drop_params: True`` and a round trip must not rewrite it as ``true``."""
    global _TEXT_BOOL
    if _TEXT_BOOL is None:
        from ruamel.yaml.scalarbool import ScalarBoolean

        class TextBool(ScalarBoolean):
            text: str

        _TEXT_BOOL = TextBool
    return _TEXT_BOOL


def _construct_bool(constructor: Any, node: Any) -> Any:
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.scalarbool import ScalarBoolean

    value = SafeConstructor.construct_yaml_bool(constructor, node)
    if node.anchor:
        return ScalarBoolean(value, anchor=node.anchor)
    if node.value in ("true", "false"):
        return value
    result = _text_bool_class()(value)
    result.text = node.value
    return result


def _represent_text_bool(representer: Any, value: Any) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:bool", value.text)


def _represent_float(representer: Any, value: float) -> Any:
    """Floats that YAML 1.1 reads as floats: ``3.0e-06``, not ``3e-06`` (a string there)."""
    text = repr(value)
    if value != value or value in (float("inf"), float("-inf")):
        text = ".nan" if value != value else (".inf" if value > 0 else "-.inf")
    elif "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def plain(value: Any) -> Any:
    """A plain-Python copy (dict, list, str, int, float, bool, None) of a ruamel value."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and type(value) is not int:
        from ruamel.yaml.scalarbool import ScalarBoolean

        if isinstance(value, ScalarBoolean):
            return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def to_yaml(value: Any) -> Any:
    """A ruamel node (CommentedMap/CommentedSeq) for a plain value, to insert into a document."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_yaml(item)
        return node
    if isinstance(value, (list, tuple)):
        return CommentedSeq(to_yaml(v) for v in value)
    return value
