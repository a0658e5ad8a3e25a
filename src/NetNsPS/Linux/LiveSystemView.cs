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
    private readonly IProcessRunner _runner;
    private readonly CancellationToken _token;
    private FirewallSnapshot? _snapshot;
    private static string? _machineId;

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

    public string? Sysctl(string key) => Linux.Sysctl.Read(key);

    public string? Sysctl(string? ns, string key) => Linux.Sysctl.Read(ns, key);

    public string? PersistFileText() => File.Exists(Linux.Sysctl.PersistFile) ? File.ReadAllText(Linux.Sysctl.PersistFile) : null;

    public string MachineId() => _machineId ??= BridgeMac.MachineId();

    public FirewallSnapshot Firewall() => _snapshot ??= _firewall.Read(_runner, _token);

    public void Invalidate(string? ns = null)
    {
        _net.Invalidate(ns);
        _snapshot = null;
    }
}
