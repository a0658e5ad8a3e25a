namespace NetNsPS;

/// <summary>How a diagnostic check came out.</summary>
public enum NsDiagnosticStatus
{
    /// <summary>The prerequisite is in place.</summary>
    Ok,

    /// <summary>Works now, but only partly, or something around it may break it.</summary>
    Warning,

    /// <summary>Missing or broken: the traffic named in Why does not get through.</summary>
    Failed,
}

/// <summary>
/// One check of Get-NsDiagnostic: what was looked at, what was found, why it matters, and the exact command
/// (a NetNsPS cmdlet where one exists) that repairs it. Namespace is null for checks of the host as a whole.
/// </summary>
public sealed class NsDiagnostic
{
    /// <summary>The namespace the check is about; null for host-wide checks.</summary>
    public string? Namespace { get; init; }

    /// <summary>What is checked, such as "IP forwarding" or "DNAT PREROUTING :8080".</summary>
    public string Check { get; init; } = "";

    public NsDiagnosticStatus Status { get; init; }

    /// <summary>What was found on the system, with where a rule was found.</summary>
    public string Observed { get; init; } = "";

    /// <summary>One sentence: what breaks without it.</summary>
    public string Why { get; init; } = "";

    /// <summary>The command that repairs it, ready for Invoke-Expression; empty when Status is Ok.</summary>
    public string Fix { get; init; } = "";

    public override string ToString() => $"{Check}: {Status}";
}
