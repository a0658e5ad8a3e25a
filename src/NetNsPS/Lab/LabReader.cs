using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using NetNsPS.Linux;

namespace NetNsPS.Lab;

/// <summary>
/// Turns a lab file's data (the hashtable Import-PowerShellDataFile gives, or the same shape from JSON or YAML) into a
/// <see cref="LabSpec"/>, checking all of it first: every error names its key path and value
/// ("Namespaces[2].IPAddress: '10.0.0.300/24' is not ..."); keys it does not know are warnings, never dropped silently.
/// </summary>
public sealed class LabReader
{
    private readonly List<string> _errors = new();
    private readonly List<string> _warnings = new();

    /// <summary>What the file had that the reader ignored, one line each ("Namespaces[0]: unknown key 'Colour' ignored").</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Which lab keys this build can deploy; a key it cannot is an error (never silently dropped).</summary>
    public static LabFeatures Features { get; set; } = LabFeatures.Current;

    private static readonly string[] TopKeys = { "Name", "Bridges", "Namespaces", "Links", "Routes", "Ports" };
    private static readonly string[] BridgeKeys = { "Name", "IPAddress", "Masquerade" };
    private static readonly string[] NamespaceKeys = { "Name", "Bridge", "IPAddress", "DefaultRoute", "Forwarding", "Interface", "HostInterface", "Exec" };
    private static readonly string[] LinkKeys = { "Endpoints", "IPAddress", "Delay", "Jitter", "Loss", "Duplicate", "Rate" };
    private static readonly string[] RouteKeys = { "Namespace", "DestinationPrefix", "NextHop" };
    private static readonly string[] PortKeys = { "Namespace", "InternalPort", "ExternalPort", "Protocol" };

    /// <summary>Reads and validates a whole lab; throws one error listing every problem found (ErrorId InvalidLabFile).</summary>
    public static LabSpec Read(object? data, string source, out IReadOnlyList<string> warnings)
    {
        var reader = new LabReader();
        var spec = reader.ReadTop(data);
        warnings = reader._warnings;
        if (reader._errors.Count > 0 || spec is null)
        {
            var lines = string.Join("\n  ", reader._errors);
            throw new NetNsException($"The lab file {source} is not valid; nothing was changed:\n  {lines}",
                "InvalidLabFile", ErrorCategory.InvalidData, source);
        }
        return spec;
    }

    private LabSpec? ReadTop(object? data)
    {
        var top = AsMap(data, "(file)");
        if (top is null)
        {
            return null;
        }
        Unknown(top, TopKeys, "(file)");
        var nameText = String(top, "Name", "Name", required: true);
        string name = "";
        if (nameText is not null)
        {
            name = Check(() => Names.Namespace(nameText, "Name"), "Name", nameText) ?? "";
        }
        var bridges = List(top, "Bridges").Select((item, i) => ReadBridge(item, $"Bridges[{i}]")).OfType<LabBridge>().ToList();
        Duplicates(bridges.Select(b => b.Name), "Bridges", "bridge");
        var namespaces = List(top, "Namespaces").Select((item, i) => ReadNamespace(item, $"Namespaces[{i}]", bridges)).OfType<LabNamespace>().ToList();
        Duplicates(namespaces.Select(n => n.Name), "Namespaces", "namespace");
        Duplicates(namespaces.Where(n => n.Bridge is not null).Select(n => n.HostInterface).Concat(bridges.Select(b => b.Name)), "Namespaces", "host interface");
        var links = List(top, "Links").Select((item, i) => ReadLink(item, $"Links[{i}]", namespaces)).OfType<LabLink>().ToList();
        // One interface name per namespace: a namespace's bridged Interface and its link ends.
        Duplicates(namespaces.Where(n => n.Bridge is not null).Select(n => $"{n.Name}:{n.Interface}")
            .Concat(links.SelectMany(l => new[] { l.A.ToString(), l.B.ToString() })), "Links", "interface");
        var routes = List(top, "Routes").Select((item, i) => ReadRoute(item, $"Routes[{i}]", namespaces)).OfType<LabRoute>().ToList();
        var lab = new LabSpec(name, bridges, namespaces, links, routes, Array.Empty<LabPort>());
        NextHopsOnLink(lab, List(top, "Routes").Count == routes.Count);
        var ports = List(top, "Ports").Select((item, i) => ReadPort(item, $"Ports[{i}]", namespaces)).OfType<LabPort>().ToList();
        Duplicates(ports.Select(p => $"{p.Protocol.ToString().ToLowerInvariant()} port {p.ExternalPort}"), "Ports", "published");
        return new LabSpec(name, bridges, namespaces, links, routes, ports);
    }

    /// <summary>A gateway must be on a network of its namespace (its bridge's or a link's), or the kernel refuses the route half way.</summary>
    private void NextHopsOnLink(LabSpec lab, bool routesIndexed)
    {
        var addresses = lab.AllAddresses().ToList();
        bool OnLink(string ns, IPAddress hop) => addresses.Any(a => a.Namespace == ns && a.Address.Network.Contains(hop));
        string Networks(string ns) => List(addresses.Where(a => a.Namespace == ns).Select(a => a.Address.ToString()));
        for (var i = 0; i < lab.Namespaces.Count; i++)
        {
            if (lab.Namespaces[i] is { DefaultRoute: { } gateway } n && !OnLink(n.Name, gateway))
            {
                Error($"Namespaces[{i}].DefaultRoute: '{gateway}' is not on a network of namespace '{n.Name}' ({Networks(n.Name)})");
            }
        }
        for (var i = 0; routesIndexed && i < lab.Routes.Count; i++)
        {
            var r = lab.Routes[i];
            if (!OnLink(r.Namespace, r.NextHop))
            {
                Error($"Routes[{i}].NextHop: '{r.NextHop}' is not on a network of namespace '{r.Namespace}' ({Networks(r.Namespace)})");
            }
        }
    }

    private LabBridge? ReadBridge(object? item, string path)
    {
        var map = AsMap(item, path);
        if (map is null)
        {
            return null;
        }
        Unknown(map, BridgeKeys, path);
        var name = InterfaceName(map, "Name", path, required: true);
        var address = HostAddress(map, "IPAddress", path);
        var masquerade = Bool(map, "Masquerade", path);
        if (masquerade && address is null && Has(map, "IPAddress") == false)
        {
            Error($"{path}.Masquerade: a masqueraded bridge needs an IPAddress (its subnet is what is masqueraded)");
        }
        return name is null ? null : new LabBridge(name, address, masquerade);
    }

    private LabNamespace? ReadNamespace(object? item, string path, IReadOnlyList<LabBridge> bridges)
    {
        var map = AsMap(item, path);
        if (map is null)
        {
            return null;
        }
        Unknown(map, NamespaceKeys, path);
        var nameText = String(map, "Name", path, required: true);
        var name = nameText is null ? null : Check(() => Names.Namespace(nameText, $"{path}.Name"), $"{path}.Name", nameText);
        var bridge = String(map, "Bridge", path);
        if (bridge is not null && bridges.All(b => b.Name != bridge))
        {
            Error($"{path}.Bridge: '{Names.Show(bridge)}' is not one of the lab's Bridges ({List(bridges.Select(b => b.Name))})");
        }
        var address = HostAddress(map, "IPAddress", path);
        if (address is not null && bridge is null)
        {
            Error($"{path}.IPAddress: '{address}' needs a Bridge to be on (links' addresses go in Links[].IPAddress)");
        }
        var gateway = Address(map, "DefaultRoute", path);
        var forwarding = Bool(map, "Forwarding", path);
        if (forwarding && !Features.Forwarding)
        {
            Error($"{path}.Forwarding: per-namespace IP forwarding is not available in this build yet (Enable-IpForward -Namespace)");
        }
        var inside = InterfaceName(map, "Interface", path) ?? "eth0";
        var hostDefault = name is null ? "" : $"veth-{name}";
        var host = InterfaceName(map, "HostInterface", path);
        if (host is null && bridge is not null && name is not null && hostDefault.Length > Names.MaxInterfaceName)
        {
            Error($"{path}.HostInterface: the default '{hostDefault}' is longer than {Names.MaxInterfaceName} characters, the kernel's limit; give HostInterface");
        }
        var exec = ExecLines(map, path);
        return name is null ? null : new LabNamespace(name, bridge, address, gateway, forwarding, inside, host ?? hostDefault, exec);
    }

    private LabLink? ReadLink(object? item, string path, IReadOnlyList<LabNamespace> namespaces)
    {
        var map = AsMap(item, path);
        if (map is null)
        {
            return null;
        }
        if (!Features.Links)
        {
            Error($"{path}: point-to-point links are not available in this build yet (Add-NsLink)");
            return null;
        }
        Unknown(map, LinkKeys, path);
        var ends = Strings(map, "Endpoints", path);
        if (ends is null || ends.Count != 2)
        {
            Error($"{path}.Endpoints: {(ends is null ? "is missing" : $"'{string.Join("', '", ends.Select(Names.Show))}' is not two endpoints")}: give two 'namespace:interface' such as 'r1:eth-r2', 'r2:eth-r1'");
            return null;
        }
        var parsed = ends.Select((e, i) => Endpoint(e, $"{path}.Endpoints[{i}]", namespaces)).ToList();
        IpPrefix? a = null, b = null;
        var addresses = Strings(map, "IPAddress", path);
        if (addresses is not null)
        {
            if (addresses.Count != 2)
            {
                Error($"{path}.IPAddress: '{string.Join("', '", addresses.Select(Names.Show))}' is not two addresses, one per endpoint");
            }
            else
            {
                a = Prefix(addresses[0], $"{path}.IPAddress[0]");
                b = Prefix(addresses[1], $"{path}.IPAddress[1]");
            }
        }
        var shaping = Shaping(map, path);
        if (parsed[0] is null || parsed[1] is null)
        {
            return null;
        }
        if (parsed[0]!.Namespace == parsed[1]!.Namespace)
        {
            Error($"{path}.Endpoints: both ends are in namespace '{parsed[0]!.Namespace}'; a link joins two namespaces");
        }
        return new LabLink(parsed[0]!, parsed[1]!, a, b, shaping);
    }

    /// <summary>Delay, Jitter, Loss, Duplicate and Rate, each checked as Set-NsLinkShaping checks it; null when none is set.</summary>
    private LabShaping? Shaping(IDictionary map, string path)
    {
        string? Value(string key, Action<string, string> parse)
        {
            var text = String(map, key, path);
            if (text is not null && CheckValue(() => parse(text, $"{path}.{key}"), $"{path}.{key}", text))
            {
                return text;
            }
            return null;
        }
        var shaping = new LabShaping(Value("Delay", (t, p) => Netem.ParseTime(t, p)), Value("Jitter", (t, p) => Netem.ParseTime(t, p)),
            Value("Loss", (t, p) => Netem.ParsePercent(t, p)), Value("Duplicate", (t, p) => Netem.ParsePercent(t, p)),
            Value("Rate", (t, p) => Netem.ParseRate(t, p)));
        if (shaping == new LabShaping(null, null, null, null, null))
        {
            return null;
        }
        if (!Features.Shaping)
        {
            Error($"{path}: link impairment (Delay, Jitter, Loss, Duplicate, Rate) is not available in this build yet (Set-NsLinkShaping)");
        }
        if (shaping.Jitter is not null && shaping.Delay is null)
        {
            Error($"{path}.Jitter: '{shaping.Jitter}' varies a delay; give Delay too");
        }
        return shaping is { Delay: null, Loss: null, Duplicate: null, Rate: null } ? null : shaping;
    }

    private bool CheckValue(Action parse, string path, string value)
    {
        try
        {
            parse();
            return true;
        }
        catch (NetNsException e)
        {
            Report(e, path, value);
            return false;
        }
    }

    private LabEndpoint? Endpoint(string text, string path, IReadOnlyList<LabNamespace> namespaces)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            Error($"{path}: '{Names.Show(text)}' is not 'namespace:interface' (such as 'r1:eth-r2')");
            return null;
        }
        var ns = text[..colon];
        var dev = Check(() => Names.Interface(text[(colon + 1)..], path), path, text);
        if (namespaces.All(n => n.Name != ns))
        {
            Error($"{path}: '{Names.Show(ns)}' of '{Names.Show(text)}' is not one of the lab's Namespaces ({List(namespaces.Select(n => n.Name))})");
            return null;
        }
        return dev is null ? null : new LabEndpoint(ns, dev);
    }

    private LabRoute? ReadRoute(object? item, string path, IReadOnlyList<LabNamespace> namespaces)
    {
        var map = AsMap(item, path);
        if (map is null)
        {
            return null;
        }
        Unknown(map, RouteKeys, path);
        var ns = NamespaceReference(map, path, namespaces);
        var destinationText = String(map, "DestinationPrefix", path, required: true);
        var destination = destinationText is null ? (IpPrefix?)null
            : Check(() => IpPrefix.ParseNetwork(destinationText, $"{path}.DestinationPrefix"), $"{path}.DestinationPrefix", destinationText);
        var nextHop = Address(map, "NextHop", path, required: true);
        return ns is null || destination is null || nextHop is null ? null : new LabRoute(ns, destination.Value, nextHop);
    }

    private LabPort? ReadPort(object? item, string path, IReadOnlyList<LabNamespace> namespaces)
    {
        var map = AsMap(item, path);
        if (map is null)
        {
            return null;
        }
        Unknown(map, PortKeys, path);
        var ns = NamespaceReference(map, path, namespaces);
        if (ns is not null && namespaces.First(n => n.Name == ns) is { } target && (target.Bridge is null || target.Address is null))
        {
            Error($"{path}.Namespace: '{ns}' has no Bridge and IPAddress; a published port goes to a namespace's address on a bridge");
        }
        var inside = Port(map, "InternalPort", path);
        var outside = Port(map, "ExternalPort", path);
        var protocol = NsProtocol.Tcp;
        var protocolText = String(map, "Protocol", path);
        if (protocolText is not null && !Enum.TryParse(protocolText, ignoreCase: true, out protocol))
        {
            Error($"{path}.Protocol: '{Names.Show(protocolText)}' is not Tcp or Udp");
        }
        return ns is null || inside is null || outside is null ? null : new LabPort(ns, inside.Value, outside.Value, protocol);
    }

    // ---- values ----

    private string? NamespaceReference(IDictionary map, string path, IReadOnlyList<LabNamespace> namespaces)
    {
        var ns = String(map, "Namespace", path, required: true);
        if (ns is not null && namespaces.All(n => n.Name != ns))
        {
            Error($"{path}.Namespace: '{Names.Show(ns)}' is not one of the lab's Namespaces ({List(namespaces.Select(n => n.Name))})");
            return null;
        }
        return ns;
    }

    private string? InterfaceName(IDictionary map, string key, string path, bool required = false)
    {
        var text = String(map, key, path, required);
        return text is null ? null : Check(() => Names.Interface(text, $"{path}.{key}"), $"{path}.{key}", text);
    }

    private IpPrefix? HostAddress(IDictionary map, string key, string path)
    {
        var text = String(map, key, path);
        return text is null ? null : Prefix(text, $"{path}.{key}");
    }

    /// <summary>An interface address "a.b.c.d/len": a host of its network (not the network or broadcast address).</summary>
    private IpPrefix? Prefix(string text, string path)
    {
        var prefix = Check(() => IpPrefix.Parse(text, path, defaultPrefix: null), path, text);
        if (prefix?.ReservedAddressKind is { } what)
        {
            Error($"{path}: '{text}' is {what} of {prefix.Value.Network}; give a host address such as {prefix.Value.FirstHostAddress}/{prefix.Value.PrefixLength}");
            return null;
        }
        return prefix;
    }

    private IPAddress? Address(IDictionary map, string key, string path, bool required = false)
    {
        var text = String(map, key, path, required);
        return text is null ? null : Check(() => IpPrefix.ParseAddress(text, $"{path}.{key}"), $"{path}.{key}", text);
    }

    private ushort? Port(IDictionary map, string key, string path)
    {
        var value = Get(map, key);
        if (value is null)
        {
            Error($"{path}.{key}: is missing (a port number 1-65535)");
            return null;
        }
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        if (value is bool || !ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            Error($"{path}.{key}: '{Names.Show(text)}' is not a port number 1-65535");
            return null;
        }
        return port;
    }

    private bool Bool(IDictionary map, string key, string path)
    {
        var value = Get(map, key);
        switch (value)
        {
            case null:
                return false;
            case bool b:
                return b;
            case string s when bool.TryParse(s, out var parsed):
                return parsed;
            default:
                Error($"{path}.{key}: '{Names.Show(Convert.ToString(value, CultureInfo.InvariantCulture))}' is not $true or $false");
                return false;
        }
    }

    private string? String(IDictionary map, string key, string path, bool required = false)
    {
        var value = Get(map, key);
        if (value is null)
        {
            if (required)
            {
                Error($"{path}.{key}: is missing");
            }
            return null;
        }
        if (value is string s)
        {
            return s;
        }
        if (value is IDictionary or IList)
        {
            Error($"{path}.{key}: a single value is expected, not a {(value is IDictionary ? "table" : "list")}");
            return null;
        }
        return Convert.ToString(value, CultureInfo.InvariantCulture);
    }

    private List<string>? Strings(IDictionary map, string key, string path)
    {
        var value = Get(map, key);
        if (value is null)
        {
            return null;
        }
        if (value is string s)
        {
            return new List<string> { s };
        }
        if (value is IList list && list.Cast<object?>().All(o => o is string))
        {
            return list.Cast<string>().ToList();
        }
        Error($"{path}.{key}: a list of strings is expected");
        return null;
    }

    private IReadOnlyList<IReadOnlyList<string>> ExecLines(IDictionary map, string path)
    {
        var lines = Strings(map, "Exec", path) ?? new List<string>();
        var result = new List<IReadOnlyList<string>>();
        for (var i = 0; i < lines.Count; i++)
        {
            var argv = Check(() => SplitCommandLine(lines[i], $"{path}.Exec[{i}]"), $"{path}.Exec[{i}]", lines[i]);
            if (argv is not null)
            {
                result.Add(argv);
            }
        }
        return result;
    }

    /// <summary>
    /// Splits a command line into argv as a shell would for plain words and quotes, without a shell: 'single' and
    /// "double" quotes group, a backslash escapes outside single quotes. Pipes, redirections and variables are not
    /// interpreted (they are arguments); an exec line that needs them runs `sh -c '...'` itself.
    /// </summary>
    public static IReadOnlyList<string> SplitCommandLine(string line, string path)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote == '\'')
            {
                if (c == '\'') { quote = '\0'; } else { current.Append(c); }
            }
            else if (quote == '"')
            {
                if (c == '"') { quote = '\0'; }
                else if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\') { current.Append(line[++i]); }
                else { current.Append(c); }
            }
            else if (c is ' ' or '\t')
            {
                if (inWord)
                {
                    args.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '\'' or '"') { quote = c; }
                else if (c == '\\' && i + 1 < line.Length) { current.Append(line[++i]); }
                else { current.Append(c); }
            }
        }
        if (quote != '\0')
        {
            throw new NetNsException($"{path}: '{Names.Show(line)}' has an unclosed {quote} quote", "InvalidExecLine", ErrorCategory.InvalidArgument, line);
        }
        if (inWord)
        {
            args.Add(current.ToString());
        }
        if (args.Count == 0)
        {
            throw new NetNsException($"{path}: is empty", "InvalidExecLine", ErrorCategory.InvalidArgument, line);
        }
        return args;
    }

    // ---- structure ----

    private IDictionary? AsMap(object? value, string path)
    {
        if (value is IDictionary map)
        {
            return map;
        }
        Error($"{path}: a table (@{{ ... }}) is expected, not {(value is null ? "nothing" : $"'{Names.Show(Convert.ToString(value, CultureInfo.InvariantCulture))}'")}");
        return null;
    }

    /// <summary>A list key's items: a list, or one table taken as a list of one.</summary>
    private IReadOnlyList<object?> List(IDictionary map, string key)
    {
        var value = Get(map, key);
        return value switch
        {
            null => Array.Empty<object?>(),
            IDictionary one => new object?[] { one },
            IList list => list.Cast<object?>().ToList(),
            _ => new object?[] { value },
        };
    }

    private static bool Has(IDictionary map, string key) => FindKey(map, key) is not null;

    private static object? Get(IDictionary map, string key) => FindKey(map, key) is { } k ? Unwrap(map[k]) : null;

    private static object? FindKey(IDictionary map, string key) =>
        map.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase));

    private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;

    private void Unknown(IDictionary map, string[] known, string path)
    {
        foreach (var key in map.Keys.Cast<object>().Select(k => k.ToString() ?? "").Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)))
        {
            _warnings.Add($"{path}: unknown key '{Names.Show(key)}' was ignored (known: {string.Join(", ", known)})");
        }
    }

    private void Duplicates(IEnumerable<string> names, string path, string what)
    {
        foreach (var name in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            Error($"{path}: {what} '{name}' is named more than once");
        }
    }

    private T? Check<T>(Func<T> parse, string path, string value) where T : class
    {
        try
        {
            return parse();
        }
        catch (NetNsException e)
        {
            Report(e, path, value);
            return null;
        }
    }

    private T? Check<T>(Func<T> parse, string path, string value, int _ = 0) where T : struct
    {
        try
        {
            return parse();
        }
        catch (NetNsException e)
        {
            Report(e, path, value);
            return null;
        }
    }

    /// <summary>A parser's error as the reader's: it names the key path, and the value when the parser did not.</summary>
    private void Report(NetNsException e, string path, string value) =>
        Error(e.Message.StartsWith(path, StringComparison.Ordinal) ? Rephrase(e.Message, path) : $"{path}: '{Names.Show(value)}': {e.Message}");

    /// <summary>"Namespaces[2].IPAddress '10.0.0.300/24' is not ..." reads "Namespaces[2].IPAddress: '10.0.0.300/24' is not ...".</summary>
    private static string Rephrase(string message, string path) =>
        message.StartsWith(path + " ", StringComparison.Ordinal) ? $"{path}:{message[path.Length..]}" : message;

    private void Error(string message) => _errors.Add(message.TrimEnd('.'));

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count == 0 ? "there are none" : string.Join(", ", all);
    }
}

/// <summary>The lab keys this build deploys beyond the core ones.</summary>
public sealed record LabFeatures(bool Links, bool Shaping, bool Forwarding)
{
    public static readonly LabFeatures Current = new(Links: true, Shaping: true, Forwarding: true);
    public static readonly LabFeatures All = new(true, true, true);
}
