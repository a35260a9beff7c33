package dev.tcpstate.analyzer.load;

/** One frame of a recorded stack trace. {@code line} is -1 when the recording has no line number. */
public record Frame(String className, String methodName, int line) {

    /** The package-qualified method, e.g. {@code com.example.Client.fetch}. */
    public String method() {
        return className + "." + methodName;
    }

    /** Like a Java stack trace line without the file name: {@code com.example.Client.fetch:42}. */
    @Override
    public String toString() {
        return line >= 0 ? method() + ":" + line : method();
    }
}
