using System;
using System.IO;
using System.Threading;

namespace NetNsPS.Linux.Netlink;

/// <summary>
/// `ip netns add` and `ip netns delete` without spawning `ip`: a named namespace is a new network namespace
/// bind-mounted on /run/netns/NAME. The new namespace is made by unshare(2) on a thread of our own, which
/// goes home with setns(2) before it ends, so no other thread ever runs inside it.
/// </summary>
internal static class NamedNamespaces
{
    private const string ThreadNamespace = "/proc/thread-self/ns/net";

    /// <summary>Creates the named namespace and returns an rtnetlink socket opened inside it.</summary>
    public static NetlinkSocket Add(string name)
    {
        var path = NetState.NamespacePath(name);
        Directory.CreateDirectory(NetState.NetnsDirectory);
        MakeRunDirectoryShared();
        try
        {
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new NativeCommandException($"Cannot create namespace file \"{path}\": File exists");
        }
        try
        {
            return OnOwnThread(() =>
            {
                var homeFd = Libc.Open(ThreadNamespace, Libc.OReadOnly | Libc.OCloExec);
                if (homeFd < 0)
                {
                    throw Failed("open " + ThreadNamespace);
                }
                using var home = new FileDescriptor(homeFd);
                if (NetlinkNative.Unshare(Libc.CloneNewNet) != 0)
                {
                    throw Failed("Failed to create a new network namespace");
                }
                try
                {
                    if (NetlinkNative.Mount(ThreadNamespace, path, "none", Uapi.MS_BIND, 0) != 0)
                    {
                        throw Failed($"Bind {ThreadNamespace} -> {path} failed");
                    }
                    return NetlinkSocket.Open();
                }
                finally
                {
                    Libc.SetNs(home.Value, Libc.CloneNewNet);
                }
            });
        }
        catch
        {
            NetlinkNative.Umount2(path, Uapi.MNT_DETACH);
            File.Delete(path);
            throw;
        }
    }

    public static void Delete(string name)
    {
        var path = NetState.NamespacePath(name);
        if (NetlinkNative.Umount2(path, Uapi.MNT_DETACH) != 0 && Libc.LastError != Uapi.EINVAL && !File.Exists(path))
        {
            throw new NativeCommandException($"Cannot remove namespace file \"{path}\": {Libc.ErrorText(Libc.LastError)}");
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NativeCommandException($"Cannot remove namespace file \"{path}\": {e.Message}");
        }
    }

    /// <summary>Opens an rtnetlink socket inside an existing named namespace, from a short-lived thread of our own.</summary>
    public static NetlinkSocket OpenSocketIn(string name) => OnOwnThread(() => NamespaceEntry.CreateInside(name, NetlinkSocket.Open));

    /// <summary>As iproute2 does: /run/netns is a shared mount, so namespaces made here show in other mount namespaces.</summary>
    private static void MakeRunDirectoryShared()
    {
        var dir = NetState.NetnsDirectory;
        if (NetlinkNative.Mount("", dir, "none", Uapi.MS_SHARED | Uapi.MS_REC, 0) == 0)
        {
            return;
        }
        if (Libc.LastError == Uapi.EINVAL
            && NetlinkNative.Mount(dir, dir, "none", Uapi.MS_BIND | Uapi.MS_REC, 0) == 0
            && NetlinkNative.Mount("", dir, "none", Uapi.MS_SHARED | Uapi.MS_REC, 0) == 0)
        {
            return;
        }
        throw Failed($"mount --make-shared {dir} failed");
    }

    /// <summary>Runs one piece of work on a thread of its own that ends with it (setns and unshare change only that thread).</summary>
    internal static T OnOwnThread<T>(Func<T> work)
    {
        var result = DedicatedThreads.Run(new[] { work }, w => w(), maxParallel: 1, CancellationToken.None)[0];
        if (result.Error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(result.Error).Throw();
        }
        return result.Value!;
    }

    private static NativeCommandException Failed(string what) => new($"{what}: {Libc.ErrorText(Libc.LastError)}");
}

/// <summary>A refusal from a natively executed command, worded as the iproute2 command would print it.</summary>
internal sealed class NativeCommandException : Exception
{
    public NativeCommandException(string message) : base(message) { }
}
