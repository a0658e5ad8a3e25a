namespace NetNsPS;

/// <summary>The module-wide settings of this session (and of the sandboxes it starts), and what they resolve to here.</summary>
public sealed class NetNsPSOption
{
    /// <summary>The firewall driver asked for: auto (nftables where libnftables is installed, else iptables), nftables or iptables.</summary>
    public string FirewallDriver { get; init; } = "auto";

    /// <summary>The driver the cmdlets use with that setting on this machine.</summary>
    public string EffectiveFirewallDriver { get; init; } = "";

    /// <summary>The drivers this machine can run (their program on PATH, their library loadable).</summary>
    public string[] AvailableFirewallDrivers { get; init; } = System.Array.Empty<string>();

    /// <summary>How `ip` commands run: Native (rtnetlink, in-process) or Iproute2 (the `ip` program is spawned).</summary>
    public string Backend { get; init; } = "Native";

    public override string ToString() => $"FirewallDriver={FirewallDriver} ({EffectiveFirewallDriver}), Backend={Backend}";
}
