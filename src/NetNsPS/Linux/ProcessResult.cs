namespace NetNsPS.Linux;

/// <summary>What a finished program left: exit code and both output streams.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The program's own error words, trimmed, for error messages.</summary>
    public string ErrorText => string.IsNullOrWhiteSpace(StandardError) ? StandardOutput.Trim() : StandardError.Trim();
}
