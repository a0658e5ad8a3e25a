using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>
/// The repair commands the diagnostics suggest, as text that runs the same in pwsh (Invoke-Expression) and,
/// for raw commands, in bash: NetNsPS cmdlets where one does the job, otherwise the raw line (the firewall's from its driver).
/// </summary>
internal static class Fixes
{
    private static readonly Regex Bare = new(@"^[A-Za-z0-9_][A-Za-z0-9_.:/+-]*$", RegexOptions.CultureInvariant);

    /// <summary>A cmdlet invocation: positional arguments, then -Name Value pairs (null values are left out).</summary>
    public static string Cmdlet(string name, IEnumerable<string> positional, params (string Name, string? Value)[] named)
    {
        var sb = new StringBuilder(name);
        foreach (var value in positional)
        {
            sb.Append(' ').Append(Quote(value));
        }
        foreach (var (parameter, value) in named)
        {
            if (value is not null)
            {
                sb.Append(" -").Append(parameter).Append(' ').Append(Quote(value));
            }
        }
        return sb.ToString();
    }

    public static string Cmdlet(string name, string positional, params (string Name, string? Value)[] named) =>
        Cmdlet(name, new[] { positional }, named);

    /// <summary>A PowerShell argument: bare when safe, else single-quoted.</summary>
    public static string Quote(string value) => Bare.IsMatch(value) ? value : "'" + value.Replace("'", "''") + "'";

    /// <summary>Several commands as one line, each run in turn (`;` works in pwsh and bash alike).</summary>
    public static string Join(IEnumerable<string> commands) => string.Join("; ", commands.Where(c => c.Length > 0).Distinct());

    public static string EnableIpForward => "Enable-IpForward";

    public static string EnableBridgeNetfilter => "Enable-BridgeNetfilter";

    public static string SetHairpin(string port) => Cmdlet("Set-BridgeHairpin", port);

    /// <summary>New-NetBridge again: on an existing bridge it adds only what is missing (its forward accepts where FORWARD drops).</summary>
    public static string NewNetBridge(string bridge) => Cmdlet("New-NetBridge", bridge);

    /// <summary>Publish-NsPort for a mapping, naming only what differs from the cmdlet's defaults.</summary>
    public static string Publish(NsPortMapping m, string? defaultInternalAddress) => Cmdlet("Publish-NsPort", m.Namespace,
        ("InternalPort", m.InternalPort.ToString(CultureInfo.InvariantCulture)),
        ("ExternalPort", m.ExternalPort.ToString(CultureInfo.InvariantCulture)),
        ("Protocol", m.Protocol == NsProtocol.Tcp ? null : m.Protocol.ToString()),
        ("ExternalIPAddress", NatRules.IsAny(m.ExternalIPAddress) ? null : m.ExternalIPAddress),
        ("InternalIPAddress", m.InternalIPAddress == defaultInternalAddress ? null : m.InternalIPAddress));
}
