using System;
using System.Net.Sockets;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>
/// Reads the live state, kept for the duration of one operation: a namespace's links as one dump (rtnetlink, or
/// `ip -j` with the iproute2 backend), or a single link by name or index as one targeted read, so looking up one
/// link costs the same whatever the number of links and namespaces on the machine.
/// </summary>
public sealed class NetState
{
    public const string NetnsDirectory = "/run/netns";

    private readonly IProcessRunner _runner;
    private readonly CancellationToken _token;
    private readonly Netlink.NetlinkSession? _session;
    private readonly Dictionary<string, List<LinkRecord>> _links = new();
    private readonly Dictionary<(string Ns, string Name), LinkRecord?> _byName = new();
    private readonly Dictionary<(string Ns, int Index), LinkRecord?> _byIndex = new();

    /// <summary>With a netlink session, reads are rtnetlink dumps; without, `ip -j` (the iproute2 backend).</summary>
    public NetState(IProcessRunner runner, CancellationToken token, Netlink.NetlinkSession? session = null)
    {
        _runner = runner;
        _token = token;
        _session = session;
    }

    public static string NamespacePath(string name) => Path.Combine(NetnsDirectory, name);

    /// <summary>
    /// Whether a named network namespace exists: /run/netns/NAME is a namespace file (an nsfs mount, as `ip netns add`
    /// leaves it), checked with one statfs(2). A stray file or directory there is not a namespace. This is the module's
    /// one definition of a named namespace; <see cref="NamespaceNames"/> and the completers use it too.
    /// </summary>
    public static bool NamespaceExists(string name) =>
        name.Length > 0 && name != "." && name != ".." && !name.Contains('/') && name.IndexOf('\0') < 0 && IsNamespaceFile(NamespacePath(name));

    /// <summary>True when the path is a namespace file: statfs(2) reports NSFS_MAGIC for it (following symbolic links, as open does).</summary>
    internal static bool IsNamespaceFile(string path)
    {
        // struct statfs is 120 bytes on 64-bit Linux, 64 or 84 on 32-bit; f_type (a C long) comes first.
        var buffer = new byte[256];
        if (Netlink.NetlinkNative.StatFs(path, buffer) != 0)
        {
            return false;
        }
        long type = IntPtr.Size == 8 ? BitConverter.ToInt64(buffer, 0) : BitConverter.ToInt32(buffer, 0);
        return type == Netlink.Uapi.NSFS_MAGIC;
    }

    /// <summary>The named namespaces: the files under /run/netns that are namespaces (<see cref="NamespaceExists"/>).</summary>
    public static IReadOnlyList<string> NamespaceNames()
    {
        if (!Directory.Exists(NetnsDirectory))
        {
            return Array.Empty<string>();
        }
        return Directory.GetFiles(NetnsDirectory).Select(Path.GetFileName).OfType<string>().Where(NamespaceExists)
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
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

    /// <summary>
    /// One link of a namespace (null: the host) by name, with its addresses; null when there is none. From the
    /// namespace's dump when it was read already, else one targeted read (rtnetlink RTM_GETLINK, or `ip -d -j addr
    /// show dev NAME`), kept like the dump until <see cref="Invalidate"/>.
    /// </summary>
    public LinkRecord? Link(string? ns, string name)
    {
        var key = ns ?? string.Empty;
        if (_links.TryGetValue(key, out var links))
        {
            return links.FirstOrDefault(l => l.Name == name);
        }
        if (_byName.TryGetValue((key, name), out var cached))
        {
            return cached;
        }
        var link = _session is null ? ShowLink(ns, name) : Native(ns, s => Netlink.RtNetlink.Link(s, name));
        Remember(key, link);
        _byName[(key, name)] = link;
        return link;
    }

    /// <summary>One link of a namespace (null: the host) by ifindex, as <see cref="Link"/> by name (iproute2 backend: from the dump).</summary>
    public LinkRecord? LinkByIndex(string? ns, int index)
    {
        var key = ns ?? string.Empty;
        if (_links.TryGetValue(key, out var links) || _session is null)
        {
            return (links ?? Links(ns)).FirstOrDefault(l => l.Index == index);
        }
        if (_byIndex.TryGetValue((key, index), out var cached))
        {
            return cached;
        }
        var link = Native(ns, s => Netlink.RtNetlink.LinkByIndex(s, index));
        Remember(key, link);
        _byIndex[(key, index)] = link;
        return link;
    }

    private void Remember(string key, LinkRecord? link)
    {
        if (link is not null)
        {
            _byName[(key, link.Name)] = link;
            _byIndex[(key, link.Index)] = link;
        }
    }

    /// <summary>`ip [-n NS] -d -j addr show dev NAME`; a device that does not exist is null, not an error.</summary>
    private LinkRecord? ShowLink(string? ns, string name)
    {
        if (!Netlink.RtNetlink.CouldBeLinkName(name))
        {
            // ip would refuse the name before looking; no link can have it.
            if (ns is not null && !NamespaceExists(ns))
            {
                throw Errors.NamespaceNotFound(ns);
            }
            return null;
        }
        var command = Ip.Command(ns, "-d", "-j", "addr", "show", "dev", name);
        var result = _runner.Run(command, _token);
        if (!result.Succeeded)
        {
            if ((ns is null || NamespaceExists(ns)) && result.ErrorText.Contains($"Device \"{name}\" does not exist.", StringComparison.Ordinal))
            {
                return null;
            }
            throw Failure(command, result, ns);
        }
        // An alternative name (altname) finds the link under its real name, which is not the one asked for.
        return IpJson.ParseLinks(result.StandardOutput).FirstOrDefault(l => l.Name == name);
    }

    public IReadOnlyList<RouteRecord> Routes(string? ns) =>
        _session is null
            ? IpJson.ParseRoutes(Query(Ip.ShowRoutes(ns), ns)).Concat(IpJson.ParseRoutes(Query(Ip.ShowRoutes(ns, AddressFamily.InterNetworkV6), ns), AddressFamily.InterNetworkV6)).ToList()
            : Native(ns, Netlink.RtNetlink.Routes);

    private T Native<T>(string? ns, Func<Netlink.NetlinkSocket, T> read)
    {
        _token.ThrowIfCancellationRequested();
        if (ns is not null && !NamespaceExists(ns))
        {
            throw Errors.NamespaceNotFound(ns);
        }
        try
        {
            return read(_session!.For(ns));
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
            _byName.Clear();
            _byIndex.Clear();
        }
        else
        {
            _links.Remove(ns);
            foreach (var key in _byName.Keys.Where(k => k.Ns == ns).ToList())
            {
                _byName.Remove(key);
            }
            foreach (var key in _byIndex.Keys.Where(k => k.Ns == ns).ToList())
            {
                _byIndex.Remove(key);
            }
        }
    }

    private string Query(CommandSpec command, string? ns)
    {
        var result = _runner.Run(command, _token);
        if (!result.Succeeded)
        {
            throw Failure(command, result, ns);
        }
        return result.StandardOutput;
    }

    private static Exception Failure(CommandSpec command, ProcessResult result, string? ns)
    {
        if (ns is not null && !NamespaceExists(ns))
        {
            return Errors.NamespaceNotFound(ns);
        }
        if (KernelErrors.Categorize(result.ErrorText) == ErrorCategory.PermissionDenied && !Privileges.HasNetworkAdmin())
        {
            return Privileges.ReadNeedsRoot(ns is null ? "the host's interfaces" : $"network namespace '{ns}'",
                ns is null ? "CAP_NET_ADMIN" : "CAP_SYS_ADMIN, to enter it", $"{command.Render()}: {result.ErrorText}");
        }
        return new NetNsException($"{command.Render()}: {result.ErrorText}", "IpQueryFailed",
            KernelErrors.Categorize(result.ErrorText), command.Render());
    }
}
