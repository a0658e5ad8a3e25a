namespace NetNsPS;

/// <summary>
/// What Test-NsConnection found, shaped like Windows' TestNetConnectionResult. Namespace is null for the host;
/// RemotePort and TcpTestSucceeded are null when no port was tested.
/// </summary>
public sealed class NsConnectionTestResult
{
    public string? Namespace { get; init; }
    public string ComputerName { get; init; } = "";
    public string RemoteAddress { get; init; } = "";
    public ushort? RemotePort { get; init; }

    /// <summary>The local address the kernel chose for this target; null when there is no route to it.</summary>
    public string? SourceAddress { get; init; }

    public bool PingSucceeded { get; init; }

    /// <summary>Milliseconds from sending the echo request to reading its reply; null when there was no reply.</summary>
    public double? PingRoundTripTime { get; init; }

    public bool? TcpTestSucceeded { get; init; }

    public override string ToString() => $"{Namespace ?? "host"} -> {RemoteAddress}{(RemotePort is null ? "" : ":" + RemotePort)}";
}
