using System.Runtime.InteropServices;

namespace NetNsPS.Linux.Netlink;

/// <summary>The libc calls that netlink and named namespaces need beyond those in <see cref="Libc"/>.</summary>
internal static class NetlinkNative
{
    public const int AfNetlink = 16;
    public const int NetlinkRoute = 0;
    public const int SolNetlink = 270;
    public const int NetlinkExtAck = 11;
    public const int ENoDev = 19;
    public const int EInval = 22;

    public const ulong MsBind = 4096;
    public const ulong MsRec = 16384;
    public const ulong MsShared = 1 << 20;
    public const int MntDetach = 2;

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

    [DllImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static extern int Unshare(int flags);

    [DllImport("libc", EntryPoint = "mount", SetLastError = true)]
    public static extern int Mount(string source, string target, string? fileSystemType, ulong flags, nint data);

    [DllImport("libc", EntryPoint = "umount2", SetLastError = true)]
    public static extern int Umount2(string target, int flags);
}
