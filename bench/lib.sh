# Shared by the bench scripts (sourced, not run): free loopback ports, waiting for a port, and the
# start|restart|stop driver of a restartable server that is stopped by PID only.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wait_port HOST PORT TENTHS: until HOST:PORT accepts a connection, at most TENTHS tenths of a second.
wait_port() {
  for _ in $(seq 1 "$3"); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# stop_pid PIDFILE SIGNAL: signals the process in PIDFILE, waits up to 10 s for it to end, removes PIDFILE.
stop_pid() {
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  kill "-$2" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$1"
}

# pid_server_main NAME CMD DIR [ARG]: the driver of bench/<NAME>.sh. The caller defines
#   launch PORT   start the server in the background on 127.0.0.1:PORT (its PID is $!)
#   uri PORT      print what a client connects to
# and may set WAIT_TENTHS (how long to wait for the port, default 100). Keeps DIR/NAME.pid and DIR/port.
#   start DIR [PORT]   start (free port if absent); prints the URI
#   restart DIR [-9]   stop (SIGTERM, or SIGKILL with -9) and start again on the same port
#   stop DIR           SIGTERM by PID
pid_server_main() {
  local name="$1" cmd="$2" dir="$3" arg="${4:-}"
  local pidfile="$dir/$name.pid"
  start_on() {
    launch "$1"
    echo $! >"$pidfile"; echo "$1" >"$dir/port"
    wait_port 127.0.0.1 "$1" "${WAIT_TENTHS:-100}" || true
  }
  case "$cmd" in
    start) local port="${arg:-$(free_port)}"; start_on "$port"; uri "$port" ;;
    restart) local sig=TERM; [ "$arg" = "-9" ] && sig=KILL; stop_pid "$pidfile" "$sig"; start_on "$(cat "$dir/port")" ;;
    stop) stop_pid "$pidfile" TERM ;;
    *) echo "unknown command $cmd" >&2; exit 2 ;;
  esac
}
