using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using NetNsPS.Linux;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Completion;

/// <summary>
/// The live state a completer reads, the cheap way: namespace names from /run/netns itself, links from one
/// rtnetlink dump per namespace (through NetState and a NetlinkSession of its own, closed when done, since its
/// sockets keep namespaces alive). Every read that fails yields nothing rather than an error.
/// </summary>
internal sealed class LiveState : IDisposable
{
    /// <summary>A completer that spawns a program (the firewall driver's reader, or ip with the iproute2 backend) gives up after this.</summary>
    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _timeout = new(ProgramTimeout);
    private readonly NetlinkSession? _session = NetlinkSession.Enabled ? new NetlinkSession() : null;
    private readonly NetState _state;

    public LiveState() => _state = new NetState(ProcessRunner.Instance, _timeout.Token, _session);

    public CancellationToken Token => _timeout.Token;

    /// <summary>
    /// The named namespaces, by the module's one definition (<see cref="NetState.NamespaceExists"/>: a file under /run/netns
    /// that is an nsfs mount), so a stray file that is not a namespace is not offered; none when /run/netns cannot be read.
    /// </summary>
    public static IReadOnlyList<string> Namespaces()
    {
        try
        {
            return NetState.NamespaceNames();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>The namespaces a command line points at: the -Namespace values typed (wildcards expanded), or null for the host.</summary>
    public static IReadOnlyList<string>? ScopedNamespaces(CompletionContext context, bool allWhenNone)
    {
        var typed = context.Bound("Namespace");
        if (typed.Count == 0)
        {
            return allWhenNone ? Namespaces() : null;
        }
        var all = Namespaces();
        var scoped = new List<string>();
        foreach (var value in typed)
        {
            if (WildcardPattern.ContainsWildcardCharacters(value))
            {
                var pattern = new WildcardPattern(value, WildcardOptions.IgnoreCase);
                scoped.AddRange(all.Where(pattern.IsMatch));
            }
            else
            {
                scoped.Add(value);
            }
        }
        return scoped.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The -Namespace values typed (wildcards expanded), or the host (null) when none was typed.</summary>
    public static IReadOnlyList<string?> NamespacesOrHost(CompletionContext context) =>
        ScopedNamespaces(context, allWhenNone: false) is { } scoped ? scoped.ToList<string?>() : new string?[] { null };

    /// <summary>The links of a namespace (null: the host), or none when it cannot be read (missing, not a namespace, no privilege).</summary>
    public IReadOnlyList<LinkRecord> Links(string? ns)
    {
        try
        {
            // A name the cmdlets would refuse (or a path such as ../x) is not looked up at all.
            return _state.Links(ns is null ? null : Names.Namespace(ns));
        }
        catch (Exception)
        {
            return Array.Empty<LinkRecord>();
        }
    }

    public void Dispose()
    {
        _session?.Dispose();
        _timeout.Dispose();
    }

    /// <summary>"UP, 192.168.15.2/24" for a tooltip.</summary>
    public static string Describe(LinkRecord link)
    {
        var parts = new List<string>();
        if (link.Kind is { } kind)
        {
            parts.Add(kind);
        }
        parts.Add(link.OperState);
        parts.AddRange(link.GlobalAddresses.Select(a => a.Cidr));
        return string.Join(", ", parts);
    }
}
