using System.Runtime.InteropServices;

namespace NetNsPS.Linux.Netlink;

/// <summary>The libc calls that netlink, named namespaces and sysctls need beyond those in <see cref="Libc"/> (constants: <see cref="Uapi"/>).</summary>
internal static class NetlinkNative
{
    /// <summary>struct sockaddr_nl: the kernel is port id 0.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    [DllImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static extern int Bind(int fd, ref SockAddrNl address, uint length);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static extern int SetSockOpt(int fd, int level, int name, ref int value, uint length);

    [DllImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    public static extern nint ReceiveFrom(int fd, byte[] buffer, nuint length, int flags, ref SockAddrNl address, ref uint addressLength);

    [DllImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static extern int Unshare(int flags);

    [DllImport("libc", EntryPoint = "mount", SetLastError = true)]
    public static extern int Mount(string source, string target, string? fileSystemType, ulong flags, nint data);

    [DllImport("libc", EntryPoint = "umount2", SetLastError = true)]
    public static extern int Umount2(string target, int flags);

    /// <summary>statfs(2) into a buffer as large as any struct statfs; its first field, f_type, is a C long.</summary>
    [DllImport("libc", EntryPoint = "statfs", SetLastError = true)]
    public static extern int StatFs(string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    public static extern nint Write(int fd, byte[] buffer, nuint length);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    public static extern int Access(string path, int mode);
}
