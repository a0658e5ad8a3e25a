using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetNsPS.Linux;

/// <summary>
/// The few libc calls a connection test needs. Raw file descriptors rather than System.Net.Sockets, so the
/// code that runs inside another namespace is a handful of syscalls and nothing of the runtime's own machinery.
/// Constants are the Linux values shared by x86-64 and arm64.
/// </summary>
internal static class Libc
{
    public const int CloneNewNet = 0x40000000;

    public const int AfInet = Netlink.Uapi.AF_INET;
    public const int AfInet6 = Netlink.Uapi.AF_INET6;
    public const int SockStream = 1;
    public const int SockDgram = 2;
    public const int SockRaw = 3;
    public const int SockNonBlock = 0x800;
    public const int SockCloExec = 0x80000;
    public const int IpProtoIcmp = 1;
    public const int IpProtoIcmpV6 = 58;

    public const int OReadOnly = 0;
    public const int OCloExec = 0x80000;

    public const int SolSocket = 1;
    public const int SoError = 4;

    public const short PollIn = 0x1;
    public const short PollOut = 0x4;
    public const short PollErr = 0x8;
    public const short PollHup = 0x10;

    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EAcces = 13;
    public const int EInProgress = 115;

    /// <summary>
    /// struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes) as raw bytes: family (host order), port (network
    /// order), then the IPv4 address, or flowinfo, the IPv6 address and scope id. The family is the address's own.
    /// </summary>
    public static class SockAddr
    {
        public const int Ipv4Length = 16;
        public const int Ipv6Length = 28;

        public static byte[] For(IPAddress address, ushort port)
        {
            var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
            if (!v6 && address.AddressFamily != AddressFamily.InterNetwork)
            {
                throw new ArgumentException($"{address} is neither IPv4 nor IPv6", nameof(address));
            }
            var b = new byte[v6 ? Ipv6Length : Ipv4Length];
            BitConverter.TryWriteBytes(b.AsSpan(0, 2), (ushort)(v6 ? AfInet6 : AfInet));
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), port);
            address.GetAddressBytes().CopyTo(b, v6 ? 8 : 4);
            return b;
        }

        /// <summary>A buffer getsockname(2) can fill for either family.</summary>
        public static byte[] Buffer() => new byte[Ipv6Length];

        public static ushort Port(ReadOnlySpan<byte> sockaddr) => BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);

        public static IPAddress? Address(ReadOnlySpan<byte> sockaddr) => BitConverter.ToUInt16(sockaddr) switch
        {
            AfInet => new IPAddress(sockaddr.Slice(4, 4)),
            AfInet6 => new IPAddress(sockaddr.Slice(8, 16)),
            _ => null,
        };
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    public static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static extern int SetNs(int fd, int nsType);

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static extern int Connect(int fd, byte[] address, uint addressLength);

    [DllImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static extern int GetSockName(int fd, [Out] byte[] address, ref uint addressLength);

    [DllImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static extern int GetSockOpt(int fd, int level, int name, out int value, ref uint valueLength);

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    public static extern nint Send(int fd, byte[] buffer, nuint length, int flags);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static extern nint Receive(int fd, byte[] buffer, nuint length, int flags);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static extern int Poll([In, Out] PollFd[] fds, nuint count, int timeoutMilliseconds);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}

/// <summary>Owns one file descriptor and closes it exactly once, also when a probe fails half-way.</summary>
internal sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle == new IntPtr(-1);

    public int Value => (int)handle;

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
