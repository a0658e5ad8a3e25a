namespace NetNsPS;

/// <summary>The netem impairment of one interface: what its outgoing packets go through. A property is null when not set.</summary>
public sealed class NsLinkShaping
{
    /// <summary>The interface's namespace (null: the host).</summary>
    public string? Namespace { get; init; }
    public string InterfaceName { get; init; } = "";

    /// <summary>The added delay, as tc writes it (20ms, 1500us).</summary>
    public string? Delay { get; init; }

    /// <summary>How much the delay varies either way.</summary>
    public string? Jitter { get; init; }

    /// <summary>The share of packets dropped at random (1%).</summary>
    public string? Loss { get; init; }

    /// <summary>The share of packets sent twice.</summary>
    public string? Duplicate { get; init; }

    /// <summary>The rate limit (100mbit).</summary>
    public string? Rate { get; init; }

    public override string ToString() => $"{Namespace ?? "(host)"}:{InterfaceName}";
}
