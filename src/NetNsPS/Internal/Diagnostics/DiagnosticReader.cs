using NetNsPS.Operations;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>
/// Reads the facts the checks need from the live system, changing nothing: /proc/sys, `ip -d -j addr`/`ip -j route`,
/// the firewall and its backends through its driver, and firewalld's and ufw's state.
/// </summary>
internal sealed class DiagnosticReader
{
    private readonly IProcessRunner _runner;
    private readonly ISystemView _state;
    private readonly IFirewallDriver _firewall;
    private readonly CancellationToken _token;

    public DiagnosticReader(IProcessRunner runner, ISystemView state, IFirewallDriver firewall, CancellationToken token)
    {
        _runner = runner;
        _state = state;
        _firewall = firewall;
        _token = token;
    }

    public HostFacts ReadHost()
    {
        var links = _state.Links(null);
        var snapshot = _firewall.ReadForDiagnostics(_runner, _token);
        var bridges = links.Where(l => l.IsBridge).Select(l => l.Name).ToList();
        var namespaceLinks = new Dictionary<string, IReadOnlyList<LinkRecord>>(StringComparer.Ordinal);
        foreach (var ns in NetState.NamespaceNames())
        {
            try
            {
                namespaceLinks[ns] = _state.Links(ns);
            }
            catch (NetNsException)
            {
                // Deleted meanwhile, or a stale file under /run/netns: it has nothing to contribute.
            }
        }
        return new HostFacts
        {
            IpForward = Sysctl.Read(Sysctl.IpForward),
            BridgeNetfilterLoaded = Sysctl.BridgeNetfilterLoaded,
            BridgeNfCallIptables = Sysctl.Read(Sysctl.BridgeNfCallIptables),
            Ipv6Forward = Sysctl.Read(Sysctl.Ipv6Forward),
            BridgeNfCallIp6tables = Sysctl.Read(Sysctl.BridgeNfCallIp6tables),
            Links = links,
            Routes = _state.Routes(null),
            Firewall = snapshot,
            Planning = _firewall.Read(_runner, _token),
            Driver = _firewall,
            RouteLocalnet = bridges.ToDictionary(b => b, b => Sysctl.Read(Sysctl.RouteLocalnet(b))),
            NamespaceLinks = namespaceLinks,
            Backends = _firewall.ReadBackends(snapshot, _runner, _token),
            Firewalld = ReadFirewalld(links.Where(l => l.IsBridge && l.Ipv4Addresses.Any()).Select(l => l.Name)),
            Ufw = ReadUfw(),
        };
    }

    public NamespaceFacts ReadNamespace(string name) => new(name, _state.Links(name), _state.Routes(name));

    private FirewalldFacts ReadFirewalld(IEnumerable<string> bridges)
    {
        bool running;
        string how;
        var state = TryRun(new CommandSpec("firewall-cmd", "--state"), acceptFailure: true);
        if (state is not null)
        {
            running = state.Trim() == "running";
            how = $"firewall-cmd --state: {state.Trim()}";
        }
        else
        {
            // No firewall-cmd: look for the daemon itself through its pid file.
            var pid = ReadText("/run/firewalld.pid")?.Trim();
            var comm = pid is null ? null : ReadText($"/proc/{pid}/comm")?.Trim();
            running = comm is not null && comm.StartsWith("firewalld", StringComparison.Ordinal);
            how = running ? $"firewalld runs (pid {pid})" : "not running";
        }
        if (!running)
        {
            return new FirewalldFacts(false, how, new Dictionary<string, string?>());
        }
        var zones = bridges.ToDictionary(b => b, b => _state.Firewalld(b)?.Zone);
        return new FirewalldFacts(true, how, zones);
    }

    private UfwFacts ReadUfw()
    {
        var status = TryRun(new CommandSpec("ufw", "status"), acceptFailure: true);
        if (status is not null)
        {
            var first = status.Split('\n').FirstOrDefault()?.Trim() ?? "";
            return new UfwFacts(true, first == "Status: active", $"ufw status: {first.Replace("Status: ", "", StringComparison.Ordinal)}");
        }
        var conf = ReadText("/etc/ufw/ufw.conf");
        if (conf is null)
        {
            return UfwFacts.NotInstalled;
        }
        var enabled = conf.Split('\n').Any(l => l.Trim() is "ENABLED=yes" or "ENABLED=\"yes\"");
        return new UfwFacts(true, enabled, enabled ? "/etc/ufw/ufw.conf: ENABLED=yes" : "/etc/ufw/ufw.conf: not enabled");
    }

    /// <summary>Standard output of a read-only command; null when it is not installed or (unless accepted) fails.</summary>
    private string? TryRun(CommandSpec command, bool acceptFailure = false)
    {
        try
        {
            var result = _runner.Run(command, _token);
            return result.Succeeded || (acceptFailure && result.StandardOutput.Length > 0) ? result.StandardOutput : null;
        }
        catch (NetNsException)
        {
            return null;
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
