using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// What a module rule belongs to: a bridge's outbound NAT, a published port, a bridge's shared localhost rules, or a
/// bridge's own forwarded traffic (New-NetBridge's accepts where the host's FORWARD drops).
/// </summary>
public enum RuleKind { Masquerade, Port, Localnet, Bridge }

/// <summary>
/// A published port as its rules name it: protocol, host address (0.0.0.0 or :: for all of them) and port, and the
/// namespace and bridge it goes to.
/// </summary>
public sealed record PortKey(NsProtocol Protocol, IPAddress ExternalAddress, ushort ExternalPort, string Namespace, string Bridge)
{
    /// <summary>The host address as NsPortMapping shows it (0.0.0.0 for every address).</summary>
    public string ExternalText => ExternalAddress.ToString();

    /// <summary>Whether the mapping listens on every address of the host.</summary>
    public bool IsAnyAddress => ExternalAddress.Equals(IPAddress.Any) || ExternalAddress.Equals(IPAddress.IPv6Any);
}

/// <summary>
/// The identity of a module rule, written into the rule itself (an iptables comment, an nftables comment): one format
/// and one parser. Fields are separated by ':'; an IPv6 address is written in brackets, so its own colons survive:
/// <c>netnsps:masq:bridge0</c>, <c>netnsps:localnet:bridge0:guard</c>, <c>netnsps:bridge:bridge0:within</c>,
/// <c>netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat</c>, <c>netnsps:port:tcp:[2001:db8::1]:8080:red:bridge0:dnat</c>.
/// </summary>
public sealed record RuleTag
{
    public const string Prefix = "netnsps";
    private const string MasqueradeWord = "masq";
    private const string PortWord = "port";
    private const string LocalnetWord = "localnet";
    private const string BridgeWord = "bridge";

    private RuleTag(RuleKind kind, string bridge, string? role, PortKey? port)
    {
        Kind = kind;
        Bridge = bridge;
        Role = role;
        Port = port;
    }

    public RuleKind Kind { get; }

    /// <summary>The bridge the rule serves (for a port: the bridge of its namespace).</summary>
    public string Bridge { get; }

    /// <summary>Which of its object's rules this is ("out", "guard", "dnat", ...); null for a masquerade's or localnet's main rule.</summary>
    public string? Role { get; }

    /// <summary>For <see cref="RuleKind.Port"/>: the mapping.</summary>
    public PortKey? Port { get; }

    public static RuleTag Masquerade(string bridge, string? role = null) => new(RuleKind.Masquerade, bridge, role, null);

    public static RuleTag Localnet(string bridge, string? role = null) => new(RuleKind.Localnet, bridge, role, null);

    /// <summary>One of a bridge's forward accepts ("within", "out", "reply").</summary>
    public static RuleTag ForBridge(string bridge, string role) => new(RuleKind.Bridge, bridge, role, null);

    public static RuleTag ForPort(PortKey port, string role) => new(RuleKind.Port, port.Bridge, role, port);

    /// <summary>The same object's tag with another role (null: the main rule).</summary>
    public RuleTag WithRole(string? role) => new(Kind, Bridge, role, Port);

    /// <summary>The tag as written into the rule.</summary>
    public override string ToString()
    {
        var fields = new List<string> { Prefix };
        switch (Kind)
        {
            case RuleKind.Port:
                var p = Port!;
                fields.Add(PortWord);
                fields.Add(p.Protocol.ToString().ToLowerInvariant());
                fields.Add(FormatAddress(p.ExternalAddress));
                fields.Add(p.ExternalPort.ToString(CultureInfo.InvariantCulture));
                fields.Add(p.Namespace);
                fields.Add(p.Bridge);
                fields.Add(Role ?? "");
                break;
            default:
                fields.Add(Kind switch { RuleKind.Masquerade => MasqueradeWord, RuleKind.Bridge => BridgeWord, _ => LocalnetWord });
                fields.Add(Bridge);
                if (Role is not null)
                {
                    fields.Add(Role);
                }
                break;
        }
        return string.Join(':', fields);
    }

    /// <summary>Tags read before, with what they read as: a snapshot's rules are read back at every call, and a tag is immutable.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RuleTag?> Parsed = new(System.StringComparer.Ordinal);

    private const int ParsedLimit = 1 << 16;

    /// <summary>Reads a tag back; null when it is not a tag of the module (or not one this version understands).</summary>
    public static RuleTag? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        if (Parsed.TryGetValue(text, out var known))
        {
            return known;
        }
        var tag = ParseText(text);
        if (Parsed.Count >= ParsedLimit)
        {
            Parsed.Clear();
        }
        Parsed[text] = tag;
        return tag;
    }

    private static RuleTag? ParseText(string text)
    {
        if (Split(text) is not { } f || f.Count < 3 || f[0] != Prefix)
        {
            return null;
        }
        switch (f[1])
        {
            case MasqueradeWord or LocalnetWord or BridgeWord:
                if (!IsName(f[2]))
                {
                    return null;
                }
                var role = f.Count == 3 ? null : string.Join(':', f.GetRange(3, f.Count - 3));
                return f[1] switch
                {
                    MasqueradeWord => Masquerade(f[2], role),
                    LocalnetWord => Localnet(f[2], role),
                    // A bridge's accepts always have a role.
                    _ => role is null ? null : ForBridge(f[2], role),
                };
            case PortWord:
                if (f.Count != 8 || ParseProtocol(f[2]) is not { } protocol || ParseAddress(f[3]) is not { } address
                    || !ushort.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out var externalPort)
                    || !IsName(f[5]) || !IsName(f[6]))
                {
                    return null;
                }
                return ForPort(new PortKey(protocol, address, externalPort, f[5], f[6]), f[7]);
            default:
                return null;
        }
    }

    /// <summary>An address as a tag field or a DNAT target writes it: IPv4 as is, IPv6 in brackets.</summary>
    public static string FormatAddress(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();

    /// <summary>
    /// Reads an address written by <see cref="FormatAddress"/>: dotted IPv4 exactly as it prints (no "010.1" or
    /// "1.2.3"), or IPv6 in brackets; null for anything else.
    /// </summary>
    public static IPAddress? ParseAddress(string text)
    {
        if (text.Length > 2 && text[0] == '[' && text[^1] == ']')
        {
            return IPAddress.TryParse(text[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && v6.ScopeId == 0 ? v6 : null;
        }
        return IPAddress.TryParse(text, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && v4.ToString() == text ? v4 : null;
    }

    private static NsProtocol? ParseProtocol(string text) => text switch
    {
        "tcp" => NsProtocol.Tcp,
        "udp" => NsProtocol.Udp,
        _ => null,
    };

    private static bool IsName(string text) => text.Length > 0 && text.IndexOfAny(new[] { '[', ']' }) < 0;

    /// <summary>The ':'-separated fields, a bracketed field kept whole (brackets included); null when a bracket is left open.</summary>
    private static List<string>? Split(string text)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var inBrackets = false;
        foreach (var c in text)
        {
            if (inBrackets)
            {
                current.Append(c);
                inBrackets = c != ']';
            }
            else if (c == ':')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
                inBrackets = c == '[';
            }
        }
        if (inBrackets)
        {
            return null;
        }
        fields.Add(current.ToString());
        return fields;
    }
}
