from __future__ import annotations

from discovery_tui.cli import main

raise SystemExit(main())
