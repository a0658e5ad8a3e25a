using System.Globalization;
using System.Net;

namespace NetNsPS.Linux.Firewall;

/// <summary>Where DNAT sends a packet: an address and a port, written <c>192.168.15.2:80</c> or <c>[2001:db8:15::2]:80</c>.</summary>
public readonly record struct DnatTarget(IPAddress Address, ushort Port)
{
    public override string ToString() => RuleTag.FormatAddress(Address) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a target as the firewall tools print it; false for anything else (a range, no port, a bad address).</summary>
    public static bool TryParse(string? text, out DnatTarget target)
    {
        target = default;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !ushort.TryParse(text![(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) )
        {
            return false;
        }
        if (RuleTag.ParseAddress(text[..colon]) is not { } address)
        {
            return false;
        }
        target = new DnatTarget(address, port);
        return true;
    }

    public static DnatTarget? Parse(string? text) => TryParse(text, out var target) ? target : null;
}
