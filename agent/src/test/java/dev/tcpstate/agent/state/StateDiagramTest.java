package dev.tcpstate.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StateDiagramTest {

    @Test
    void readmeDiagramIsTheOneGeneratedFromTheTable() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int begin = text.indexOf(StateDiagram.BEGIN);
        int end = text.indexOf(StateDiagram.END);
        assertTrue(begin >= 0 && end > begin, "README.md has no generated state diagram section");
        String actual = text.substring(begin, end + StateDiagram.END.length()) + "\n";
        assertEquals(StateDiagram.readmeSection(), actual,
                "README.md's diagram differs from TransitionTable: regenerate it with "
                        + "`java -cp agent/target/classes dev.tcpstate.agent.state.StateDiagram`");
    }

    @Test
    void diagramHasAnArrowForEveryStateChangingRow() {
        String mermaid = StateDiagram.mermaid();
        for (TransitionTable.Row row : TransitionTable.rows()) {
            if (row.changesState()) {
                assertTrue(mermaid.contains(row.from() + " --> " + row.to() + " :"), row.toString());
            }
        }
    }
}
