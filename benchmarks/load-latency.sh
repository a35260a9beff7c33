#!/usr/bin/env bash
# wrk's latency against real servers (agent/src/test/.../load/LoadServer: Jetty 12, Netty 4.2 NIO and
# epoll, Tomcat 11) with and without the agent (recording and kernel view on), interleaved rounds, as
# ratios agent/no agent of requests, p50 and p99. A benchmark, not a test; not part of the test run.
#
#   benchmarks/load-latency.sh [--rounds=3] [--seconds=10] [--servers=jetty,netty-nio,netty-epoll,tomcat]
#                              [--modes=keep-alive,close] [--java=PATH]
#
# As root it runs in a network namespace of its own (unshare -n, loopback up).
# Needs wrk (apt-get install wrk) and a build of the agent and its test classes:
#   mvn -B -o -pl agent -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 seconds=10 servers=jetty,netty-nio,netty-epoll,tomcat modes=keep-alive,close java_bin=java
for a in "$@"; do
    case "$a" in
        --rounds=*) rounds="${a#*=}" ;;
        --seconds=*) seconds="${a#*=}" ;;
        --servers=*) servers="${a#*=}" ;;
        --modes=*) modes="${a#*=}" ;;
        --java=*) java_bin="${a#*=}" ;;
        *) echo "unknown option $a" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
# As root, in a network namespace of its own (as bench.sh): wrk's tens of thousands of TIME_WAIT rows stay
# out of everyone else's ss, and their ports out of everyone's port range.
if [[ -z ${LOAD_LATENCY_NETNS:-} && $(id -u) == 0 ]] && unshare -n true 2>/dev/null; then
    LOAD_LATENCY_NETNS=1 exec unshare -n bash -c 'ip link set lo up && exec "$@"' load-latency "$0" "$@"
fi
agent=agent/target/tcpstate-agent.jar classes=agent/target/test-classes cp=agent/target/test-classpath.txt
[[ -f $agent && -d $classes && -f $cp ]] || { echo "build the agent and its test classes first (see the header)" >&2; exit 1; }
libraries=$(tr ':' '\n' <"$cp" | grep -E '/(org/eclipse/jetty|org/slf4j|io/netty|org/apache/tomcat)/' | paste -sd:)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One wrk run against a fresh server JVM; prints "requests p50-µs p99-µs errors".
run() { # server mode with-agent
    local jvm=(-Xmx256m -Dtcpstate.it.libraries="$libraries")
    [[ $3 == 1 ]] && jvm+=("-javaagent:$agent=record=$work/bench.jfr,kernelInterval=500ms")
    local out="$work/server.out"
    mkfifo "$work/in"
    "$java_bin" "${jvm[@]}" -cp "$classes" dev.tcpstate.agent.libraries.WithLibraries \
        dev.tcpstate.agent.load.LoadServer "$1" <"$work/in" >"$out" 2>"$work/server.err" &
    local pid=$! port=
    exec 3>"$work/in"
    for _ in $(seq 600); do port=$(sed -n 's/^port //p' "$out"); [[ -n $port ]] && break; sleep 0.1; done
    local close=()
    [[ $2 == close ]] && close=(-H 'Connection: close')
    wrk -t 2 -c 32 -d "${seconds}s" --latency "${close[@]}" "http://127.0.0.1:$port/" >"$work/wrk.out"
    echo exit >&3; exec 3>&-; wait "$pid" || true; rm -f "$work/in"
    awk 'function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
         / 50% / { p50 = us($2) } / 99% / { p99 = us($2) } /requests in/ { n = $1 }
         /Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 } /Non-2xx/ { e += $5 }
         END { printf "%d %d %d %d\n", n, p50, p99, e }' "$work/wrk.out"
}

echo "server mode round: requests, p50, p99 without -> with the agent (ratios with/without); errors"
for server in ${servers//,/ }; do
    for mode in ${modes//,/ }; do
        for r in $(seq "$rounds"); do
            # interleaved: odd rounds start without the agent, even rounds with it
            if (( r % 2 )); then off=$(run "$server" "$mode" 0); on=$(run "$server" "$mode" 1)
            else on=$(run "$server" "$mode" 1); off=$(run "$server" "$mode" 0); fi
            read -r n0 a0 b0 e0 <<<"$off"; read -r n1 a1 b1 e1 <<<"$on"
            awk -v s="$server" -v m="$mode" -v r="$r" -v n0="$n0" -v n1="$n1" -v a0="$a0" -v a1="$a1" \
                -v b0="$b0" -v b1="$b1" -v e0="$e0" -v e1="$e1" 'BEGIN {
                printf "%s %s %d: requests %d -> %d (%.2f), p50 %d -> %d us (%.2f), p99 %d -> %d us (%.2f); errors %d / %d\n",
                    s, m, r, n0, n1, n1 / n0, a0, a1, a1 / a0, b0, b1, b1 / b0, e0, e1 }'
        done
    done
done
