namespace NetNsPS.Linux.Firewall;

public enum FirewallTable { Nat, Filter, Raw }

/// <summary>The built-in chain (netfilter hook) that a module-owned chain hangs off.</summary>
public enum FirewallHook { Prerouting, Output, Postrouting, Forward }

public enum FirewallAction { Masquerade, Dnat, Accept, Drop }

/// <summary>The address families a rule without addresses is for (iptables and ip6tables keep one table set each).</summary>
[System.Flags]
public enum FirewallFamilies { None = 0, Ipv4 = 1, Ipv6 = 2, Both = Ipv4 | Ipv6 }

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

    /// <summary>
    /// For a rule without addresses: the families it is for where the firewall keeps one table per family (iptables
    /// and ip6tables). Null is IPv4's alone, as before IPv6 (and what a rule read back from iptables says); a rule read
    /// back from ip6tables says Ipv6. nftables' inet table holds such a rule for both families whatever it says.
    /// </summary>
    public FirewallFamilies? Families { get; init; }

    /// <summary>The families the rule is for: its addresses' family, else <see cref="Families"/> (null: IPv4).</summary>
    public FirewallFamilies ForFamilies =>
        Family switch
        {
            System.Net.Sockets.AddressFamily.InterNetworkV6 => FirewallFamilies.Ipv6,
            System.Net.Sockets.AddressFamily.InterNetwork => FirewallFamilies.Ipv4,
            _ => Families ?? FirewallFamilies.Ipv4,
        };

    /// <summary>The rule for one family's tables (an address-less rule's IPv4 copy says null, its IPv6 copy Ipv6).</summary>
    public FirewallRule InFamily(FirewallFamilies family) =>
        Family is not null || Families == (family == FirewallFamilies.Ipv4 ? null : family) ? this
            : this with { Families = family == FirewallFamilies.Ipv4 ? null : family };

    /// <summary>Families given as a rule's <see cref="Families"/>: null for IPv4 alone (and for none).</summary>
    public static FirewallFamilies? AsFamilies(FirewallFamilies families) =>
        families is FirewallFamilies.None or FirewallFamilies.Ipv4 ? null : families;

    /// <summary>The tag read back as the module's identity; null for a tag it did not write. Parsed once per tag.</summary>
    public RuleTag? Identity
    {
        get
        {
            var tag = Tag;
            if (_identity.Parsed is { } known && ReferenceEquals(known.Tag, tag))
            {
                return known.Identity;
            }
            var identity = RuleTag.Parse(tag);
            _identity.Parsed = new ParsedTag(tag, identity);
            return identity;
        }
    }

    // Planners and readers ask every rule of a host for its identity, several times a call: with 1,000 mappings that
    // was 4,000 parses a pass. The cache is keyed by the tag it was parsed from (a `with` copy shares the holder and may
    // change the tag), and its holder takes no part in the record's equality.
    private readonly IdentityHolder _identity = new();

    private sealed record ParsedTag(string Tag, RuleTag? Identity);

    private sealed class IdentityHolder
    {
        public ParsedTag? Parsed;

        public override bool Equals(object? obj) => obj is IdentityHolder;

        public override int GetHashCode() => 0;
    }
}
