using System.Collections.Generic;
using System.IO;
using System.Threading;
using NetNsPS.Linux.Firewall;
using NetNsPS.Operations;

namespace NetNsPS.Linux;

/// <summary>The system view of the running kernel: rtnetlink (or `ip -j`), /proc/sys, the persist file and the firewall driver.</summary>
public sealed class LiveSystemView : ISystemView
{
    private readonly NetState _net;
    private readonly IFirewallDriver _firewall;
    private readonly Dictionary<string, Firewall.Firewalld.FirewalldBinding?> _firewalld = new();
    private readonly IProcessRunner _runner;
    private readonly CancellationToken _token;
    private FirewallSnapshot? _snapshot;
    private static string? _machineId;
    private readonly Dictionary<(string? Namespace, string? Device), IReadOnlyList<QdiscRecord>> _qdiscs = new();

    public LiveSystemView(IProcessRunner runner, CancellationToken token, Netlink.NetlinkSession? session, IFirewallDriver firewall)
    {
        _net = new NetState(runner, token, session);
        _firewall = firewall;
        _runner = runner;
        _token = token;
    }

    public bool NamespaceExists(string name) => NetState.NamespaceExists(name);

    public bool NamespaceFileIsStray(string name) => File.Exists(NetState.NamespacePath(name)) && !NetState.NamespaceExists(name);

    public IReadOnlyList<string> NamespaceNames() => NetState.NamespaceNames();

    public IReadOnlyList<LinkRecord> Links(string? ns) => _net.Links(ns);

    public LinkRecord? Link(string? ns, string name) => _net.Link(ns, name);

    public LinkRecord? LinkByIndex(string? ns, int index) => _net.LinkByIndex(ns, index);

    public IReadOnlyList<RouteRecord> Routes(string? ns) => _net.Routes(ns);

    /// <summary>Sysctls as first read for this record (a plan reads route_localnet or bridge netfilter more than once); forgotten by <see cref="Invalidate"/>, as links are.</summary>
    private readonly Dictionary<(string? Namespace, string Key), string?> _sysctls = new();

    public string? Sysctl(string key) => Sysctl(null, key);

    public IReadOnlyList<QdiscRecord> Qdiscs(string? ns, string? device)
    {
        var key = (ns, device);
        if (_qdiscs.TryGetValue(key, out var cached))
        {
            return cached;
        }
        var show = Tc.Show(ns, device);
        var result = _runner.Run(show, _token);
        if (!result.Succeeded)
        {
            if (device is not null && result.ErrorText.Contains("Cannot find device", System.StringComparison.Ordinal))
            {
                return _qdiscs[key] = new List<QdiscRecord>();
            }
            throw new NetNsException($"{show.Render()}: {result.ErrorText}", "CommandFailed", KernelErrors.Categorize(result.ErrorText), show.Render());
        }
        return _qdiscs[key] = Tc.ParseRootQdiscs(result.StandardOutput, device);
    }

    public string? Sysctl(string? ns, string key) =>
        _sysctls.TryGetValue((ns, key), out var known) ? known : _sysctls[(ns, key)] = Linux.Sysctl.Read(ns, key);

    public string? PersistFileText(System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork) =>
        File.Exists(Linux.Sysctl.PersistFileOf(family)) ? File.ReadAllText(Linux.Sysctl.PersistFileOf(family)) : null;

    public SettingRecord? RecordedSetting(string key) => SettingsRecords.Read(key);

    public string MachineId() => _machineId ??= BridgeMac.MachineId();

    public FirewallSnapshot Firewall() => _snapshot ??= _firewall.Read(_runner, _token);

    public Firewall.Firewalld.FirewalldBinding? Firewalld(string iface) =>
        _firewalld.TryGetValue(iface, out var known) ? known : _firewalld[iface] = Linux.Firewall.Firewalld.FirewalldZone.Read(_runner, _token, iface);

    public void Invalidate(string? ns = null)
    {
        _net.Invalidate(ns);
        _snapshot = null;
        _qdiscs.Clear();
        _firewalld.Clear();
        _sysctls.Clear();
    }
}
