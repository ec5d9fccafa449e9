from entry.cli import main

raise SystemExit(main())
