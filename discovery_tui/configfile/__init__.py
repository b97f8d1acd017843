"""config.yaml as a comment-preserving document (:class:`ConfigDocument`).

Modules, one job each: ``document`` (the API: load, state, execute a plan, write), ``layout``
(what ruamel.yaml does not keep: preamble, postamble, newlines, BOM, indentation), ``dialect``
(the YAML instance and plain <-> YAML values), ``validation`` (shape checks with line numbers),
``edits`` (performing a plan's edits), ``comments`` (moving comments with the nodes they follow).
"""

from __future__ import annotations

from discovery_tui.configfile.document import ConfigDocument
from discovery_tui.ownership import OWNED_MODEL_INFO_KEYS, OWNED_PARAMS

__all__ = ["OWNED_MODEL_INFO_KEYS", "OWNED_PARAMS", "ConfigDocument"]
