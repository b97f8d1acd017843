"""Settings the run wants in the config, such as the proxy's master key reference
(``general_settings.master_key: os.environ/LITELLM_MASTER_KEY``).

A wanted setting is written only where the config has none: a section that is absent, or a
mapping without the key. A value the user wrote (any value) is never replaced. Values are
references (``os.environ/VAR``), never secrets. The wish rides on the Computation, so the
plan apply_run rebuilds under the lock asks for it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from discovery_tui.ownership import TargetState

SettingSection = Literal["general_settings"]
SETTING_SECTIONS: tuple[SettingSection, ...] = ("general_settings",)


@dataclass(frozen=True)
class WantedSetting:
    """A top-level section's key the run wants set, when the config has none."""

    section: SettingSection
    key: str
    value: str  # a reference such as ``os.environ/LITELLM_MASTER_KEY``; never a secret

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"


@dataclass(frozen=True)
class SettingChange(WantedSetting):
    """One edit: set ``section.key`` to ``value`` (the section is created when absent)."""

    new_section: bool  # the section is not in the config yet

    @property
    def text(self) -> str:
        """``general_settings.master_key: os.environ/LITELLM_MASTER_KEY`` (one plain line)."""
        return f"{self.section}.{self.key}: {self.value}"


def master_key_setting(variable: str) -> WantedSetting:
    """The config's reference to the proxy's master key, read from ``variable``."""
    return WantedSetting("general_settings", "master_key", f"os.environ/{variable}")


def setting_changes(
    state: TargetState, wanted: Sequence[WantedSetting]
) -> tuple[SettingChange, ...]:
    """The wanted settings the target lacks. A target that cannot say (``settings`` None, e.g.
    a proxy's model API) gets none; a section that is there but not a mapping is left alone."""
    if state.settings is None:
        return ()
    changes: list[SettingChange] = []
    for setting in wanted:
        if setting.section not in state.settings:
            new = not any(c.section == setting.section for c in changes)
            changes.append(SettingChange(setting.section, setting.key, setting.value, new))
            continue
        section = state.settings[setting.section]
        if isinstance(section, Mapping) and setting.key not in section:
            changes.append(SettingChange(setting.section, setting.key, setting.value, False))
    return tuple(changes)
