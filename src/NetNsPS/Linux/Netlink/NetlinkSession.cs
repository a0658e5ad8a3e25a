using System;
using System.Collections.Generic;

namespace NetNsPS.Linux.Netlink;

/// <summary>
/// One rtnetlink socket per namespace for the duration of one operation. Sockets keep their namespace alive,
/// so the session is short-lived and forgets a namespace the moment it is deleted.
/// </summary>
public sealed class NetlinkSession : IDisposable
{
    /// <summary>"iproute2" makes every change and read spawn `ip` instead (for comparison and debugging).</summary>
    public const string BackendVariable = "NETNSPS_BACKEND";

    private readonly Dictionary<string, NetlinkSocket> _sockets = new();
    private NetlinkSocket? _host;

    public static bool Enabled =>
        !string.Equals(Environment.GetEnvironmentVariable(BackendVariable), "iproute2", StringComparison.OrdinalIgnoreCase);

    internal NetlinkSocket For(string? ns)
    {
        if (ns is null)
        {
            // Threads of this process that are not ours stay in its namespace, so the calling thread opens the host's socket.
            return _host ??= NetlinkSocket.Open();
        }
        if (!_sockets.TryGetValue(ns, out var socket))
        {
            socket = NamedNamespaces.OpenSocketIn(ns);
            _sockets[ns] = socket;
        }
        return socket;
    }

    internal void AddNamespace(string name)
    {
        Forget(name);
        _sockets[name] = NamedNamespaces.Add(name);
    }

    internal void DeleteNamespace(string name)
    {
        Forget(name);
        NamedNamespaces.Delete(name);
    }

    private void Forget(string name)
    {
        if (_sockets.Remove(name, out var socket))
        {
            socket.Dispose();
        }
    }

    /// <summary>Closes every socket; the session stays usable and opens new ones when asked.</summary>
    public void Dispose()
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Dispose();
        }
        _sockets.Clear();
        _host?.Dispose();
        _host = null;
    }
}
