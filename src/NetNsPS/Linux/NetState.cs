using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>Reads the live state: one `ip -j` dump per namespace, kept for the duration of one operation.</summary>
public sealed class NetState
{
    public const string NetnsDirectory = "/run/netns";

    private readonly IProcessRunner _runner;
    private readonly CancellationToken _token;
    private readonly Netlink.NetlinkSession? _session;
    private readonly Dictionary<string, List<LinkRecord>> _links = new();

    /// <summary>With a netlink session, reads are rtnetlink dumps; without, `ip -j` (the iproute2 backend).</summary>
    public NetState(IProcessRunner runner, CancellationToken token, Netlink.NetlinkSession? session = null)
    {
        _runner = runner;
        _token = token;
        _session = session;
    }

    public static string NamespacePath(string name) => Path.Combine(NetnsDirectory, name);

    public static bool NamespaceExists(string name) => File.Exists(NamespacePath(name));

    /// <summary>The named namespaces, as `ip netns list` finds them: the files under /run/netns.</summary>
    public static IReadOnlyList<string> NamespaceNames()
    {
        if (!Directory.Exists(NetnsDirectory))
        {
            return Array.Empty<string>();
        }
        return Directory.GetFiles(NetnsDirectory).Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    /// <summary>All links of a namespace (null: the host) with their addresses.</summary>
    public IReadOnlyList<LinkRecord> Links(string? ns)
    {
        var key = ns ?? string.Empty;
        if (!_links.TryGetValue(key, out var links))
        {
            links = _session is null ? IpJson.ParseLinks(Query(Ip.ShowLinks(ns), ns)) : Native(ns, Netlink.RtNetlink.Links);
            _links[key] = links;
        }
        return links;
    }

    public LinkRecord? Link(string? ns, string name) => Links(ns).FirstOrDefault(l => l.Name == name);

    public LinkRecord? LinkByIndex(string? ns, int index) => Links(ns).FirstOrDefault(l => l.Index == index);

    public IReadOnlyList<RouteRecord> Routes(string? ns) =>
        _session is null ? IpJson.ParseRoutes(Query(Ip.ShowRoutes(ns), ns)) : Native(ns, Netlink.RtNetlink.Routes);

    private List<T> Native<T>(string? ns, Func<Netlink.NetlinkSocket, List<T>> dump)
    {
        _token.ThrowIfCancellationRequested();
        if (ns is not null && !NamespaceExists(ns))
        {
            throw Errors.NamespaceNotFound(ns);
        }
        try
        {
            return dump(_session!.For(ns));
        }
        catch (Netlink.NetlinkException e)
        {
            throw new NetNsException($"Reading {Errors.Where(ns)} over rtnetlink: {e.Message}", "IpQueryFailed", KernelErrors.Categorize(e.Message), ns);
        }
    }

    /// <summary>Forgets cached dumps after a change, so the next read sees the kernel's truth.</summary>
    public void Invalidate(string? ns = null)
    {
        if (ns is null)
        {
            _links.Clear();
        }
        else
        {
            _links.Remove(ns);
        }
    }

    private string Query(CommandSpec command, string? ns)
    {
        var result = _runner.Run(command, _token);
        if (!result.Succeeded)
        {
            if (ns is not null && !NamespaceExists(ns))
            {
                throw Errors.NamespaceNotFound(ns);
            }
            if (KernelErrors.Categorize(result.ErrorText) == ErrorCategory.PermissionDenied && !Privileges.HasNetworkAdmin())
            {
                throw Privileges.ReadNeedsRoot(ns is null ? "the host's interfaces" : $"network namespace '{ns}'",
                    ns is null ? "CAP_NET_ADMIN" : "CAP_SYS_ADMIN, to enter it", $"{command.Render()}: {result.ErrorText}");
            }
            throw new NetNsException($"{command.Render()}: {result.ErrorText}", "IpQueryFailed",
                KernelErrors.Categorize(result.ErrorText), command.Render());
        }
        return result.StandardOutput;
    }
}
