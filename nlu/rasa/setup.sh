#!/usr/bin/env bash
# Rasa Open Source 3.6.21 beside Portineria: its own Python 3.10 env, trained on nlu/data,
# served on loopback with `rasa run --enable-api`. Idempotent: reuses the env, retrains only
# when the data or the config changed, restarts the server only for a new model.
#
#   bash nlu/rasa/setup.sh [all|install|train|serve|stop|status] [--force]
#     all (default)  install + train + serve
#     --force        retrain even if nothing changed (to measure training time)
#
# Environment: RASA_PORT (5005), RASA_HOST (127.0.0.1), RASA_VENV (.venv-rasa),
# RASA_PROJECT (var/rasa), RASA_PYTHON (pyenv's 3.10.13, else python3.10 on PATH),
# RASA_DATA (nlu/data).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/nlu/rasa"
VENV="${RASA_VENV:-$ROOT/.venv-rasa}"
PROJECT="${RASA_PROJECT:-$ROOT/var/rasa}"
DATA="${RASA_DATA:-$ROOT/nlu/data}"
HOST="${RASA_HOST:-127.0.0.1}"
PORT="${RASA_PORT:-5005}"
URL="http://$HOST:$PORT"
STAMP="$VENV/.portineria-requirements"
PIDFILE="$PROJECT/server.pid"

# Rasa phones home on first use and TensorFlow is chatty: neither helps here.
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
# The custom tokenizer (multilingual_tokenizer.py) is imported from the project folder.
export PYTHONPATH="$PROJECT${PYTHONPATH:+:$PYTHONPATH}"

say() { printf '[make rasa] %s\n' "$*"; }
die() { printf '[make rasa] error: %s\n' "$*" >&2; exit 1; }

# this machine's pip config lists local index folders that hold only some packages
quiet_pip() { grep -v 'is neither a file nor a directory' || true; }

find_python() {
    if [[ -n "${RASA_PYTHON:-}" ]]; then echo "$RASA_PYTHON"; return; fi
    local pyenv_python
    if command -v pyenv >/dev/null; then
        pyenv_python="$(pyenv root)/versions/3.10.13/bin/python"
        if [[ -x "$pyenv_python" ]]; then echo "$pyenv_python"; return; fi
    fi
    command -v python3.10 || die "Rasa 3.6 needs Python 3.10: install it (pyenv install 3.10.13) or set RASA_PYTHON"
}

install() {
    local want
    want="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
    if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
        say "Rasa env up to date: $VENV"
        return
    fi
    if [[ ! -x "$VENV/bin/python" ]]; then
        local python
        python="$(find_python)"
        say "creating $VENV with $("$python" --version 2>&1)"
        "$python" -m venv "$VENV"
    fi
    say "installing Rasa 3.6.21 and its pinned dependencies (a few minutes the first time)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip 2>&1 | quiet_pip
    "$VENV/bin/python" -m pip install --quiet -r "$HERE/requirements.txt" 2>&1 | quiet_pip
    "$VENV/bin/python" -m pip check
    echo "$want" > "$STAMP"
    say "installed: $("$VENV/bin/rasa" --version 2>/dev/null | grep '^Rasa Version' | tr -s ' ')"
}

# Prints the model file name (relative to $PROJECT/models) of the current data and config.
model_name() {
    echo "nlu-$("$VENV/bin/python" "$HERE/assemble.py" "$HERE" "$DATA" "$PROJECT").tar.gz"
}

train() {
    local force="${1:-}" model examples started seconds
    [[ -x "$VENV/bin/rasa" ]] || die "no Rasa env: run 'bash nlu/rasa/setup.sh install' first"
    model="$(model_name)"
    MODEL="$model"  # what serve starts, even if the data changes while training
    if [[ -f "$PROJECT/models/$model" && "$force" != "--force" ]]; then
        say "model up to date: var/rasa/models/$model"
        return
    fi
    examples="$(grep -rhcE '^\s+- ' "$PROJECT/data" | awk '{n += $1} END {print n + 0}')"
    [[ "$examples" -gt 0 ]] || die "no NLU training data under $DATA"
    say "training DIET on $examples examples (log: $PROJECT/train.log; ~30-60 min on 2 busy cores)"
    started="$(date +%s)"
    (cd "$PROJECT" && "$VENV/bin/rasa" train nlu --config config.yml --nlu data \
        --out models --fixed-model-name "${model%.tar.gz}" > train.log 2>&1) \
        || { tail -n 30 "$PROJECT/train.log" >&2; die "training failed"; }
    seconds=$(( $(date +%s) - started ))
    printf '{"model": "%s", "train_seconds": %d, "examples": %d, "trained_at": "%s"}\n' \
        "$model" "$seconds" "$examples" "$(date -Iseconds)" > "$PROJECT/models/${model%.tar.gz}.json"
    say "trained in $seconds s: var/rasa/models/$model"
    # keep the three newest models (a model is ~40 MB)
    ls -t "$PROJECT"/models/nlu-*.tar.gz | tail -n +4 | while read -r old; do
        rm -f "$old" "${old%.tar.gz}.json"
    done
}

server_pid() {
    [[ -f "$PIDFILE" ]] || return 1
    local pid
    pid="$(cat "$PIDFILE")"
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

served_model() {
    curl -sf --max-time 2 "$URL/status" | "$VENV/bin/python" -c \
        'import json, sys; print(json.load(sys.stdin).get("model_file") or "")' 2>/dev/null
}

stop() {
    local pid
    if pid="$(server_pid)"; then
        say "stopping the Rasa server (pid $pid)"
        kill "$pid"
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$PIDFILE"
}

serve() {
    local model pid
    model="${MODEL:-$(model_name)}"
    if [[ ! -f "$PROJECT/models/$model" ]]; then
        # `serve` alone: rather the newest model than none (training takes most of an hour)
        model="$(ls -t "$PROJECT"/models/nlu-*.tar.gz 2>/dev/null | head -n 1 | xargs -r basename)"
        [[ -n "$model" ]] || die "no trained model: run 'bash nlu/rasa/setup.sh train'"
        say "warning: the data changed since $model was trained: 'setup.sh train' to catch up"
    fi
    if pid="$(server_pid)"; then
        if [[ "$(served_model)" == "$model" ]]; then
            say "Rasa server already running (pid $pid) with $model"
            print_url
            return
        fi
        stop
    elif curl -sf --max-time 2 "$URL/" >/dev/null; then
        die "port $PORT already answers and is not our server: stop it or set RASA_PORT"
    fi
    rm -f "$PIDFILE"
    say "starting rasa run --enable-api on $URL (log: $PROJECT/server.log)"
    # setsid: the server outlives make and the shell that started it; setsid may fork, so the
    # server writes its own pid (exec keeps it) rather than us guessing it from $!
    # (and the server must not inherit the lock on fd 9)
    (
        cd "$PROJECT"
        MODEL_FILE="models/$model" setsid bash -c 'echo $$ > server.pid;
            exec "$0" run --enable-api -m "$MODEL_FILE" -i "$1" -p "$2" --log-file server.log' \
            "$VENV/bin/rasa" "$HOST" "$PORT" > server.out 2>&1 < /dev/null &
    ) 9>&-
    for _ in $(seq 50); do [[ -s "$PIDFILE" ]] && break; sleep 0.2; done
    for _ in $(seq 300); do
        if [[ "$(served_model)" == "$model" ]]; then print_url; return; fi
        server_pid >/dev/null || { tail -n 30 "$PROJECT/server.out" >&2; die "the Rasa server exited"; }
        sleep 1
    done
    die "the Rasa server did not load the model in 300 s (see $PROJECT/server.log)"
}

print_url() {
    say "Rasa NLU is serving on $URL (pid $(server_pid))"
    echo
    echo "  export PORTINERIA_NLU_BACKEND=rasa PORTINERIA_RASA_URL=$URL"
    echo
}

status() {
    local pid
    if pid="$(server_pid)"; then say "running: pid $pid, $URL, model $(served_model)"; else say "not running"; fi
}

main() {
    local command="${1:-all}" force="${2:-}"
    [[ "$command" == --force ]] && { command=all; force=--force; }
    mkdir -p "$PROJECT"
    # one setup at a time: two trainings at once would fight over var/rasa
    exec 9>"$PROJECT/.setup.lock"
    flock 9
    case "$command" in
        all) install; train "$force"; serve ;;
        install) install ;;
        train) install; train "$force" ;;
        serve) serve ;;
        stop) stop ;;
        status) status ;;
        *) die "unknown command $command (all|install|train|serve|stop|status)" ;;
    esac
}

main "$@"
