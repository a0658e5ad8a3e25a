using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>What to test: from a namespace (null: the host) to an IPv4 or IPv6 address (the sockets are of its family), and a TCP port when one is given.</summary>
public sealed record ConnectionProbeRequest(string? Namespace, IPAddress Address, ushort? Port, TimeSpan Timeout);

/// <summary>How the ICMP echo went out: a ping socket needs no privilege but must be allowed by net.ipv4.ping_group_range.</summary>
public enum IcmpSocketKind
{
    Unavailable,
    PingSocket,
    RawSocket,
}

/// <summary>What one probe found; SourceAddress is null when the namespace has no route to the target.</summary>
public sealed record ConnectionProbeOutcome(
    IPAddress? SourceAddress,
    bool PingSucceeded,
    double? RoundTripMilliseconds,
    bool? TcpSucceeded,
    IcmpSocketKind IcmpSocket,
    string? IcmpUnavailableReason);

/// <summary>
/// One ICMP echo and, with a port, one TCP connect, both in flight at once and waited for with one poll(2)
/// until the timeout. Runs on a dedicated thread (see <see cref="NamespaceEntry"/>); no outside program.
/// </summary>
internal static class ConnectionProbe
{
    /// <summary>How long one poll(2) waits at most, so a probe notices Ctrl+C promptly.</summary>
    private const int PollSliceMilliseconds = 100;

    /// <summary>Any port will do to learn the source address: connect() on a UDP socket sends nothing.</summary>
    private const ushort RouteLookupPort = 9;

    private const ushort EchoSequence = 1;

    // Raw sockets see every ICMP message of the namespace; distinct identifiers keep parallel probes apart.
    private static int s_lastIdentifier = Environment.ProcessId;

    public static ConnectionProbeOutcome Run(ConnectionProbeRequest request, CancellationToken token)
    {
        var started = Stopwatch.GetTimestamp();
        using var sockets = NamespaceEntry.CreateInside(request.Namespace, () => ProbeSockets.Create(request));
        var echo = new EchoAttempt(sockets.Icmp, sockets.IcmpKind, request.Address);
        var tcp = sockets.Tcp is { } tcpSocket && request.Port is ushort port ? new TcpAttempt(tcpSocket, request.Address, port) : null;
        WaitForAnswers(echo, tcp, started + (long)(request.Timeout.TotalSeconds * Stopwatch.Frequency), token);

        var source = tcp?.Succeeded == true ? LocalAddress(sockets.Tcp!) : SourceAddressTowards(sockets.Route, request.Address);
        return new ConnectionProbeOutcome(source, echo.Succeeded, echo.RoundTripMilliseconds, tcp?.Succeeded,
            sockets.IcmpKind, sockets.IcmpUnavailableReason);
    }

    private static void WaitForAnswers(EchoAttempt echo, TcpAttempt? tcp, long deadline, CancellationToken token)
    {
        var fds = new List<Libc.PollFd>(2);
        while (echo.Pending || tcp?.Pending == true)
        {
            token.ThrowIfCancellationRequested();
            var remaining = (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
            if (remaining <= 0)
            {
                return;
            }
            fds.Clear();
            if (echo.Pending)
            {
                fds.Add(new Libc.PollFd { Fd = echo.Fd, Events = Libc.PollIn });
            }
            if (tcp?.Pending == true)
            {
                fds.Add(new Libc.PollFd { Fd = tcp.Fd, Events = Libc.PollOut });
            }
            var polled = fds.ToArray();
            if (Libc.Poll(polled, (nuint)polled.Length, (int)Math.Min(remaining, PollSliceMilliseconds)) < 0)
            {
                var errno = Libc.LastError;
                if (errno == Libc.EIntr)
                {
                    continue;
                }
                throw new NetNsException($"poll: {Libc.ErrorText(errno)}", "ConnectionTestFailed", ErrorCategory.InvalidOperation, null);
            }
            foreach (var fd in polled)
            {
                if (fd.ReturnedEvents == 0)
                {
                    continue;
                }
                if (echo.Pending && fd.Fd == echo.Fd)
                {
                    echo.ReadReplies();
                }
                else if (tcp?.Pending == true && fd.Fd == tcp.Fd)
                {
                    tcp.Complete();
                }
            }
        }
    }

    /// <summary>The address the kernel would send from: connect() a UDP socket, then getsockname(). No packet leaves.</summary>
    private static IPAddress? SourceAddressTowards(FileDescriptor udp, IPAddress address) =>
        Connect(udp, address, RouteLookupPort) ? LocalAddress(udp) : null;

    private static IPAddress? LocalAddress(FileDescriptor socket) => LocalEndpoint(socket) is { } local ? Libc.SockAddr.Address(local) : null;

    private static byte[]? LocalEndpoint(FileDescriptor socket)
    {
        var local = Libc.SockAddr.Buffer();
        var length = (uint)local.Length;
        return Libc.GetSockName(socket.Value, local, ref length) == 0 ? local : null;
    }

    private static bool Connect(FileDescriptor socket, IPAddress address, ushort port)
    {
        var target = Libc.SockAddr.For(address, port);
        return Libc.Connect(socket.Value, target, (uint)target.Length) == 0;
    }

    /// <summary>The sockets of one probe, all created inside the namespace (a socket keeps the namespace it was made in).</summary>
    private sealed class ProbeSockets : IDisposable
    {
        private const int Flags = Libc.SockNonBlock | Libc.SockCloExec;

        private ProbeSockets(FileDescriptor route) => Route = route;

        public FileDescriptor Route { get; }
        public FileDescriptor? Icmp { get; private set; }
        public IcmpSocketKind IcmpKind { get; private set; }
        public string? IcmpUnavailableReason { get; private set; }
        public FileDescriptor? Tcp { get; private set; }

        public static ProbeSockets Create(ConnectionProbeRequest request)
        {
            var family = request.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Libc.AfInet6 : Libc.AfInet;
            var sockets = new ProbeSockets(Open(family, Libc.SockDgram, 0, "UDP"));
            try
            {
                sockets.OpenIcmp(request.Namespace, family);
                if (request.Port is not null)
                {
                    sockets.Tcp = Open(family, Libc.SockStream, 0, "TCP");
                }
                return sockets;
            }
            catch
            {
                sockets.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Route.Dispose();
            Icmp?.Dispose();
            Tcp?.Dispose();
        }

        /// <summary>
        /// A ping socket when net.ipv4.ping_group_range (per namespace, "1 0" = off in a new one; it rules ICMPv6 ping
        /// sockets too) allows it, else a raw socket. ICMPv6 for an IPv6 address.
        /// </summary>
        private void OpenIcmp(string? ns, int family)
        {
            var protocol = family == Libc.AfInet6 ? Libc.IpProtoIcmpV6 : Libc.IpProtoIcmp;
            var fd = Libc.Socket(family, Libc.SockDgram | Flags, protocol);
            if (fd >= 0)
            {
                (Icmp, IcmpKind) = (new FileDescriptor(fd), IcmpSocketKind.PingSocket);
                return;
            }
            fd = Libc.Socket(family, Libc.SockRaw | Flags, protocol);
            if (fd >= 0)
            {
                (Icmp, IcmpKind) = (new FileDescriptor(fd), IcmpSocketKind.RawSocket);
                return;
            }
            IcmpUnavailableReason =
                $"No ICMP echo was sent from {Errors.Where(ns)}: ping sockets are off there (net.ipv4.ping_group_range) and a raw socket needs CAP_NET_RAW ({Libc.ErrorText(Libc.LastError)}). PingSucceeded is False without a test.";
        }

        private static FileDescriptor Open(int family, int type, int protocol, string what)
        {
            var fd = Libc.Socket(family, type | Flags, protocol);
            if (fd < 0)
            {
                throw new NetNsException($"Cannot create a {what} socket: {Libc.ErrorText(Libc.LastError)}.", "SocketFailed",
                    ErrorCategory.ResourceUnavailable, what);
            }
            return new FileDescriptor(fd);
        }
    }

    /// <summary>One echo request, then replies read until ours arrives; a socket error (an ICMP error for a ping socket) ends it.</summary>
    private sealed class EchoAttempt
    {
        private readonly FileDescriptor? _socket;
        private readonly bool _repliesStartWithIpHeader;
        private readonly bool _ipv6;
        private readonly ushort _identifier;
        private readonly byte[] _buffer = new byte[2048];
        private long _sentAt;

        public EchoAttempt(FileDescriptor? socket, IcmpSocketKind kind, IPAddress address)
        {
            _socket = socket;
            if (socket is null || !Connect(socket, address, 0))
            {
                return;
            }
            _ipv6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            // An ICMPv6 raw socket delivers the message alone, as a ping socket does; an ICMP one, the IPv4 header first.
            _repliesStartWithIpHeader = kind == IcmpSocketKind.RawSocket && !_ipv6;
            // A ping socket writes its own identifier (its "port") into every request; a raw socket sends ours.
            _identifier = kind == IcmpSocketKind.PingSocket
                ? LocalEndpoint(socket) is { } local ? Libc.SockAddr.Port(local) : (ushort)0
                : (ushort)Interlocked.Increment(ref s_lastIdentifier);
            // The kernel fills in an ICMPv6 checksum itself (it covers a pseudo-header of both addresses).
            var request = _ipv6
                ? IcmpEcho.BuildV6Request(_identifier, EchoSequence, IcmpEcho.DefaultPayload)
                : IcmpEcho.BuildRequest(_identifier, EchoSequence, IcmpEcho.DefaultPayload);
            _sentAt = Stopwatch.GetTimestamp();
            Pending = Libc.Send(socket.Value, request, (nuint)request.Length, 0) == request.Length;
        }

        public bool Pending { get; private set; }
        public bool Succeeded { get; private set; }
        public double? RoundTripMilliseconds { get; private set; }
        public int Fd => _socket!.Value;

        public void ReadReplies()
        {
            while (Pending)
            {
                var received = Libc.Receive(_socket!.Value, _buffer, (nuint)_buffer.Length, 0);
                if (received < 0)
                {
                    var errno = Libc.LastError;
                    Pending = errno is Libc.EAgain or Libc.EIntr;
                    return;
                }
                var packet = _buffer.AsSpan(0, (int)received);
                if (_ipv6 ? IcmpEcho.IsV6ReplyTo(packet, _identifier, EchoSequence) : IcmpEcho.IsReplyTo(packet, _repliesStartWithIpHeader, _identifier, EchoSequence))
                {
                    RoundTripMilliseconds = Math.Round(Stopwatch.GetElapsedTime(_sentAt).TotalMilliseconds, 3);
                    Succeeded = true;
                    Pending = false;
                }
            }
        }
    }

    /// <summary>A non-blocking connect(): refused or unreachable ends at once, silence until the timeout.</summary>
    private sealed class TcpAttempt
    {
        private readonly FileDescriptor _socket;

        public TcpAttempt(FileDescriptor socket, IPAddress address, ushort port)
        {
            _socket = socket;
            if (Connect(socket, address, port))
            {
                Succeeded = true;
                return;
            }
            Pending = Libc.LastError == Libc.EInProgress;
        }

        public bool Pending { get; private set; }
        public bool Succeeded { get; private set; }
        public int Fd => _socket.Value;

        public void Complete()
        {
            var length = (uint)sizeof(int);
            Succeeded = Libc.GetSockOpt(_socket.Value, Libc.SolSocket, Libc.SoError, out var error, ref length) == 0 && error == 0;
            Pending = false;
        }
    }
}
