namespace NetNsPS.Linux.Firewall;

public enum FirewallTable { Nat, Filter, Raw }

/// <summary>The built-in chain (netfilter hook) that a module-owned chain hangs off.</summary>
public enum FirewallHook { Prerouting, Output, Postrouting, Forward }

public enum FirewallAction { Masquerade, Dnat, Accept, Drop }

/// <summary>
/// One rule in a chain the module owns, independent of iptables or nftables syntax. Tag is the rule's
/// identity (<see cref="RuleTag"/>, kept in the rule as a comment), so listing and removal find exactly the module's rules.
/// </summary>
public sealed record FirewallRule(FirewallTable Table, FirewallHook Hook, string Tag, FirewallAction Action)
{
    public string? Protocol { get; init; }
    public string? Source { get; init; }
    public string? Destination { get; init; }
    public string? InInterface { get; init; }
    public string? OutInterface { get; init; }

    /// <summary>Negates OutInterface: `! -o bridge0`.</summary>
    public bool NotOutInterface { get; init; }
    public int? DestinationPort { get; init; }

    /// <summary>Only packets whose source is an address of this host (`-m addrtype --src-type LOCAL`).</summary>
    public bool SourceIsLocal { get; init; }

    /// <summary>Only replies of known connections (`-m conntrack --ctstate RELATED,ESTABLISHED`).</summary>
    public bool EstablishedOnly { get; init; }

    /// <summary>For Dnat: the new destination.</summary>
    public DnatTarget? DnatTo { get; init; }

    /// <summary>Options a driver read but does not model (a hand-edited rule); such a rule never equals a wanted one.</summary>
    public string? Unrecognized { get; init; }

    /// <summary>
    /// The address family the rule's addresses are of (the DNAT target's, the source's, the destination's); null for a
    /// rule without addresses, which holds for both families where the firewall can say so (nftables' inet table).
    /// </summary>
    public System.Net.Sockets.AddressFamily? Family =>
        DnatTo is { } to ? to.Address.AddressFamily
        : (Source ?? Destination) is { } prefix ? (prefix.Contains(':') ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork)
        : null;

    /// <summary>The tag read back as the module's identity; null for a tag it did not write.</summary>
    public RuleTag? Identity => RuleTag.Parse(Tag);
}
