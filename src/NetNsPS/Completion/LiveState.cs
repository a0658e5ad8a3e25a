using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
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
    /// The named namespaces: files under /run/netns that are namespace mounts in this process's view (per
    /// /proc/self/mountinfo), so a stray file that is not a namespace is not offered. When mountinfo cannot be
    /// read, every file, as `ip netns list` shows them.
    /// </summary>
    public static IReadOnlyList<string> Namespaces()
    {
        IReadOnlyList<string> files;
        try
        {
            files = NetState.NamespaceNames();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
        if (files.Count == 0 || NamespaceMounts() is not { } mounts)
        {
            return files;
        }
        return files.Where(mounts.Contains).ToList();
    }

    /// <summary>The names of nsfs mounts directly under /run/netns, or null when mountinfo cannot be read.</summary>
    internal static HashSet<string>? NamespaceMounts()
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/self/mountinfo");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return ParseNamespaceMounts(text);
    }

    /// <summary>mountinfo(5): "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPEROPTIONS".</summary>
    internal static HashSet<string> ParseNamespaceMounts(string mountinfo)
    {
        var prefix = NetState.NetnsDirectory + "/";
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in mountinfo.Split('\n'))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length || fields[separator + 1] != "nsfs")
            {
                continue;
            }
            var mountPoint = Unescape(fields[4]);
            if (mountPoint.StartsWith(prefix, StringComparison.Ordinal) && mountPoint.IndexOf('/', prefix.Length) < 0)
            {
                names.Add(mountPoint[prefix.Length..]);
            }
        }
        return names;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as \ooo octal escapes.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }
        var sb = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }
        return sb.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

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
        parts.AddRange(link.Ipv4Addresses.Select(a => a.Cidr));
        return string.Join(", ", parts);
    }
}
