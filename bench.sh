#!/usr/bin/env bash
# The benchmarks of issue 9 (see BENCHMARKS.md). Not part of the test run.
#
#   ./bench.sh [--jdk25 | --java=PATH] [--shared-netns] [--no-build] [COMPARE OPTIONS]   whole-process comparisons
#   ./bench.sh [--jdk25 | --java=PATH] --jmh [JMH ARGS]                                   JMH micro-benchmarks
#   ./bench.sh [--jdk25 | --java=PATH] --analyzer [ANALYZER OPTIONS]                       the analyzer on a 1 GiB recording
#
# COMPARE OPTIONS (all --key=value): --rounds=5 --baseline-agent=JAR (another agent build: one more configuration of cycles and cold)
#   --only=startup,attach,cycles,cold,storm,bulk,memory,kernel
#   --cycles=30000 --warmup=20000 --bulk-bytes=1073741824 --startup-runs=10 --attach-runs=5
#   --heap-connections=10000 --heap-wait=90 --kernel-pairs=5000 --kernel-samples=50
#   --cold-runs=10 --cold-cycles=4000 --storm-rows=30000 --storm-seconds=20
# ANALYZER OPTIONS (all --key=value): --analyzer-bytes=1073741824 --rounds=3 --heap=1g --jmc-heap=8g
#   --small-heap=512m,256m --only=compare,memory --part-seconds=50 --part-connections=10000 (the recording is made once, kept in benchmarks/target/)
#   --baseline-analyzer=JAR (another build of the analyzer, as one more configuration)
# JMH ARGS default to: -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc (any JMH option or benchmark regex replaces them)
#
# The JDK is the one of JAVA_HOME, else `java` on PATH; --jdk25 takes /usr/lib/jvm/temurin-25-jdk-amd64.
# As root, the comparisons run in a network namespace of their own (unshare -n, loopback up): the kernel
# table the agent samples then holds only the benchmark's sockets, and its TIME_WAIT rows stay out of
# everyone else's. --shared-netns runs them in the machine's namespace instead.
set -euo pipefail
cd "$(dirname "$0")"

java_bin=java
[[ -n "${JAVA_HOME:-}" ]] && java_bin="$JAVA_HOME/bin/java"
build=1 netns=1 jmh=0 analyzer=0
args=()
for a in "$@"; do
    case "$a" in
        --jdk25) java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java ;;
        --java=*) java_bin="${a#--java=}" ;;
        --shared-netns) netns=0 ;;
        --no-build) build=0 ;;
        --jmh) jmh=1 ;;
        --analyzer) analyzer=1 ;;
        *) args+=("$a") ;;
    esac
done

java_bin=$(readlink -f "$(command -v "$java_bin")")  # absolute: the jfr tool beside it checks the recordings

if (( build )); then
    modules=benchmarks
    (( analyzer )) && modules=benchmarks,analyzer
    echo "building (mvn -Pbench -pl $modules -am package -DskipTests)..." >&2
    mvn -B -q -Pbench -pl "$modules" -am package -DskipTests >&2
fi

if (( jmh )); then
    (( ${#args[@]} )) || args=(-f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc)
    exec "$java_bin" -jar benchmarks/target/jmh.jar "${args[@]}"
fi

main=dev.tcpstate.bench.process.Compare
(( analyzer )) && main=dev.tcpstate.bench.process.AnalyzerCompare
cmd=("$java_bin" -cp benchmarks/target/classes "$main" "--java=$java_bin" "${args[@]}")
if (( netns )) && [[ $(id -u) == 0 ]] && unshare -n true 2>/dev/null; then
    echo "running in a network namespace of its own (--shared-netns to not)" >&2
    exec unshare -n bash -c 'ip link set lo up && exec "$@"' bench "${cmd[@]}"
fi
exec "${cmd[@]}"
