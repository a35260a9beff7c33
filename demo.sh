#!/usr/bin/env bash
# Builds tcpstate, runs the demo scenarios under the agent with a recording, and prints the report.
set -euo pipefail
cd "$(dirname "$0")"
echo "[1/3] building (mvn package, tests skipped)..."
mvn -B -q package -DskipTests
echo "[2/3] state diagram from the agent's transition table:"
java -cp agent/target/classes dev.tcpstate.agent.state.StateDiagram | sed -n '/```mermaid/,/```$/p'
echo "[3/3] the demo scenarios and the analyzer arrive with their issues."
