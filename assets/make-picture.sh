#!/usr/bin/env bash
# Makes assets/dashboard.png, the picture at the top of the README, from a
# real run of `reprieve --demo --utc`:
#
#   1. builds the release binary (cargo build --release);
#   2. starts it in a detached tmux session of COLS x ROWS, on a tmux server
#      of its own (socket "reprieve-picture", no user config);
#   3. waits until the listing and the CloudTrail dating are done;
#   4. types `/`, the filter QUERY and Enter, then `j` and Space (marks the
#      second row), then EXTRA_KEYS if any;
#   5. captures the pane with its colours (tmux capture-pane -e), turns the
#      escape sequences into HTML that looks like a terminal (a small Python
#      converter below: dark background, DejaVu Sans Mono, IPAGothic for
#      wide characters, reverse video, bold and dim kept);
#   6. photographs the HTML with headless Chromium, cropped to the terminal
#      (the window size is the measured cell size times COLS and ROWS).
#
# Installs what it needs when missing (Debian: tmux, chromium,
# fonts-dejavu-core, fonts-ipafont-gothic, python3), with apt-get as root or
# through sudo.
#
# Usage: assets/make-picture.sh            (from anywhere in the repository)
#        QUERY=pstgres assets/make-picture.sh
# Variables: QUERY (default prod), COLS (132), ROWS (30), FONT_PX (15),
#            LINE_PX (17: DejaVu Sans Mono's box lines are 17.5 px high at
#            15 px, so a smaller line height makes them join),
#            SCALE (device pixels per CSS pixel, 1),
#            OUT (assets/dashboard.png), KEEP (1: keep the work folder),
#            EXTRA_KEYS (tmux key names sent after marking, e.g. '?' for the
#            help overlay; none by default).
set -euo pipefail

QUERY=${QUERY:-prod}
COLS=${COLS:-132}
ROWS=${ROWS:-30}
FONT_PX=${FONT_PX:-15}
LINE_PX=${LINE_PX:-17}
SCALE=${SCALE:-1}
KEEP=${KEEP:-0}
EXTRA_KEYS=${EXTRA_KEYS:-}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
OUT=${OUT:-$ROOT/assets/dashboard.png}
SOCKET=reprieve-picture
SESSION=picture

say() { printf 'make-picture: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# --- what it needs ---------------------------------------------------------

chromium_bin() {
    local c
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
chromium_bin >/dev/null || missing+=(chromium)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
if command -v fc-list >/dev/null 2>&1; then
    fc-list | grep -q 'DejaVu Sans Mono' || missing+=(fonts-dejavu-core)
    fc-list | grep -q 'IPAGothic' || missing+=(fonts-ipafont-gothic)
else
    missing+=(fonts-dejavu-core fonts-ipafont-gothic)
fi
if ((${#missing[@]} > 0)); then
    say "installing ${missing[*]}"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install ${missing[*]} by hand"
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
CHROMIUM=$(chromium_bin) || die "no chromium after installing it"
command -v cargo >/dev/null 2>&1 || die "cargo is needed (a Rust toolchain, see README)"

# --- the binary --------------------------------------------------------------

say "building the release binary"
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/reprieve
[[ -x $BIN ]] || die "no binary at $BIN"

# --- the run -----------------------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reprieve-picture.XXXXXX")
tmux_() { tmux -L "$SOCKET" -f "$WORK/tmux.conf" "$@"; }
cleanup() {
    tmux_ kill-server >/dev/null 2>&1 || true
    if [[ $KEEP == 1 ]]; then
        say "work folder kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

cat >"$WORK/tmux.conf" <<'EOF'
set -g status off
set -g default-terminal "tmux-256color"
set -g history-limit 0
EOF

# Its own state and log places, so that nothing of the caller's is touched.
mkdir -p "$WORK/state"
tmux_ kill-server >/dev/null 2>&1 || true
tmux_ new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
    env XDG_STATE_HOME="$WORK/state" TZ=UTC "$BIN" --demo --utc --log-file "$WORK/reprieve.log"
tmux_ resize-window -t "$SESSION" -x "$COLS" -y "$ROWS" >/dev/null 2>&1 || true

screen() { tmux_ capture-pane -p -t "$SESSION"; }

# Waits (up to 60 s) until the screen satisfies "$@" (a function name).
wait_for() {
    local what=$1 i
    for ((i = 0; i < 300; i++)); do
        if ! tmux_ has-session -t "$SESSION" 2>/dev/null; then
            die "reprieve exited early (log: $WORK/reprieve.log)"
        fi
        if "$what"; then
            return 0
        fi
        sleep 0.2
    done
    screen >&2 || true
    die "timed out waiting for: $what"
}

settled() {
    local header
    header=$(screen | head -n 1)
    [[ $header == *"scheduled for deletion"* ]] &&
        [[ $header != *"Dating by CloudTrail"* ]] &&
        [[ $header != *"CloudTrail p"* ]] &&
        [[ $header != *"Loading"* ]]
}
filtered() { screen | head -n 1 | grep -Eq ' of [0-9,]+ (scheduled for deletion|pending)'; }
marked() { screen | head -n 1 | grep -q '1 marked'; }

say "waiting for the listing and the CloudTrail dating"
wait_for settled
sleep 0.5

say "filtering on \"$QUERY\", marking a row"
tmux_ send-keys -t "$SESSION" /
sleep 0.3
tmux_ send-keys -t "$SESSION" -l "$QUERY"
sleep 0.3
tmux_ send-keys -t "$SESSION" Enter
wait_for filtered
tmux_ send-keys -t "$SESSION" j
sleep 0.3
tmux_ send-keys -t "$SESSION" Space
wait_for marked
for key in $EXTRA_KEYS; do
    tmux_ send-keys -t "$SESSION" "$key"
    sleep 0.3
done
# Let the screen settle on its last frame.
sleep 1

tmux_ capture-pane -e -N -p -t "$SESSION" >"$WORK/screen.ansi"
screen >"$WORK/screen.txt"
tmux_ send-keys -t "$SESSION" q
sleep 0.5

# --- escape sequences to HTML -------------------------------------------------

python3 - "$WORK/screen.ansi" "$WORK/screen.html" "$COLS" "$ROWS" "$FONT_PX" "$LINE_PX" <<'PY'
import html
import re
import sys
import unicodedata

src, dst, cols, rows, font_px, line_px = sys.argv[1:7]
cols, rows = int(cols), int(rows)

BG, FG = "#1e1e1e", "#d4d4d4"
# A dark terminal palette: the 16 ANSI colours.
PALETTE = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        r, g, b = steps[n // 36], steps[(n // 6) % 6], steps[n % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    v = 8 + (n - 232) * 10
    return f"#{v:02x}{v:02x}{v:02x}"


def mix(a, b, t):
    """a blended towards b by t (0..1)."""
    pa = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    pb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(pa, pb))


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = self.strike = False

    def sgr(self, params):
        p = [int(x) if x else 0 for x in re.split("[;:]", params)] if params else [0]
        i = 0
        while i < len(p):
            c = p[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 9:
                self.strike = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif c == 29:
                self.strike = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(p):
                if p[i + 1] == 5 and i + 2 < len(p):
                    colour = xterm256(p[i + 2])
                    i += 2
                elif p[i + 1] == 2 and i + 4 < len(p):
                    colour = "#{:02x}{:02x}{:02x}".format(*p[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                    i += 1
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def style(self):
        fg, bg = self.fg or FG, self.bg or BG
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = mix(fg, bg, 0.45)
        css = []
        if fg != FG:
            css.append(f"color:{fg}")
        if bg != BG:
            css.append(f"background:{bg}")
        if self.bold:
            css.append("font-weight:bold")
        if self.italic:
            css.append("font-style:italic")
        deco = [d for d, on in (("underline", self.underline), ("line-through", self.strike)) if on]
        if deco:
            css.append("text-decoration:" + " ".join(deco))
        return ";".join(css)


def wide(ch):
    return unicodedata.east_asian_width(ch) in ("W", "F")


TOKEN = re.compile(r"\x1b\[([0-9;:]*)([A-Za-z])|\x1b[()][0-9A-Za-z]|\x1b.|([^\x1b]+)")

with open(src, encoding="utf-8", errors="replace") as f:
    lines = f.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
lines = (lines + [""] * rows)[:rows]

# tmux carries the pen over from one line to the next: only changes are sent.
pen = Pen()
out_lines = []
for line in lines:
    runs = []  # (style, text)
    width = 0
    for m in TOKEN.finditer(line):
        if m.group(3) is not None:
            text = "".join(ch for ch in m.group(3) if ch >= " ")
            runs.append((pen.style(), text))
            width += sum(2 if wide(ch) else 1 for ch in text)
        elif m.group(2) == "m":
            pen.sgr(m.group(1))
    if width < cols:
        runs.append((Pen().style(), " " * (cols - width)))
    parts = []
    for style, text in runs:
        if not text:
            continue
        # Wide characters take exactly two cells, whatever the fallback font.
        body = "".join(
            f'<span class="w">{html.escape(ch)}</span>' if wide(ch) else html.escape(ch)
            for ch in text
        )
        parts.append(f'<span style="{style}">{body}</span>' if style else f"<span>{body}</span>")
    out_lines.append('<div class="row">' + "".join(parts) + "</div>")

page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>reprieve --demo</title>
<style>
html, body {{ margin: 0; padding: 0; background: {BG}; }}
#term {{
  display: inline-block; margin: 0; padding: 0;
  background: {BG}; color: {FG};
  font-family: "DejaVu Sans Mono", "IPAGothic", monospace;
  font-size: {font_px}px; line-height: {line_px}px;
  font-variant-ligatures: none; font-kerning: none;
  -webkit-font-smoothing: antialiased;
}}
.row {{ height: {line_px}px; white-space: pre; }}
.row > span {{ display: inline-block; height: {line_px}px; vertical-align: top; }}
.w {{ display: inline-block; width: 2ch; text-align: center; }}
</style></head>
<body><div id="term">{''.join(out_lines)}</div>
<script>
  const r = document.getElementById("term").getBoundingClientRect();
  document.title = "size " + Math.ceil(r.width) + " " + Math.ceil(r.height);
</script>
</body></html>
"""
with open(dst, "w", encoding="utf-8") as f:
    f.write(page)
PY

# --- HTML to PNG ----------------------------------------------------------------

chrome() {
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$WORK/chrome" --force-device-scale-factor="$SCALE" "$@" \
        2>>"$WORK/chromium.log"
}

# The terminal's size in CSS pixels, measured by Chromium with the real fonts.
size=$(chrome --window-size=4000,2000 --dump-dom "file://$WORK/screen.html" |
    sed -n 's/.*<title>size \([0-9]*\) \([0-9]*\)<\/title>.*/\1 \2/p')
read -r width height <<<"$size" || true
[[ -n ${width:-} && -n ${height:-} ]] || die "could not measure the page (see $WORK/chromium.log)"
say "terminal is ${width}x${height} CSS px ($COLS x $ROWS cells)"

rm -f "$WORK/shot.png"
chrome --window-size="$width,$height" --screenshot="$WORK/shot.png" "file://$WORK/screen.html" >/dev/null
[[ -s $WORK/shot.png ]] || die "chromium made no screenshot (see $WORK/chromium.log)"
mkdir -p "$(dirname "$OUT")"
mv "$WORK/shot.png" "$OUT"
say "wrote $OUT"
