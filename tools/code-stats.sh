#!/bin/sh
# Code-layout figures: the largest files under src/ and the longest
# functions (lines from the function's name to its closing brace), as
# Universal Ctags sees them.  Usage: tools/code-stats.sh [N]   (default 10)
set -eu
cd "$(dirname "$0")/.."
n=${1:-10}
echo "# largest files (lines)"
find src -name '*.[ch]' -o -name '*.cu' | xargs wc -l | sort -rn | sed -n "2,$((n + 1))p"
echo "# longest functions (lines)"
find src -name '*.[ch]' -o -name '*.cu' | xargs ctags --language-force=C --c-kinds=f --fields=+ne -o - |
  awk -F'\t' '{ line = ""; end = "";
                for (i = 4; i <= NF; i++) { if ($i ~ /^line:/) line = substr ($i, 6); if ($i ~ /^end:/) end = substr ($i, 5) }
                if (line != "" && end != "") printf "%6d  %s  %s:%s\n", end - line + 1, $1, $2, line }' |
  sort -rn | head -n "$n"
