# Sourced by the scripts that show the window on a machine without a screen.
# start_virtual_display WIDTHxHEIGHT starts Xvfb on a display nobody uses
# (Xvfb picks it and says which once it accepts clients, so no guessing and
# no fixed wait) and sets $display and $xvfb (its process id).
start_virtual_display() {
    export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
    local ready
    ready=$(mktemp -u)
    mkfifo "$ready"
    Xvfb -displayfd 3 -screen 0 "$1x24" -nolisten tcp 3>"$ready" >/dev/null 2>&1 &
    xvfb=$!
    display=":$(head -n 1 "$ready")"
    rm -f "$ready"
}
