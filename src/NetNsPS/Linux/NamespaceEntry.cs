using System;
using System.Management.Automation;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>
/// Creates things (sockets) inside a named network namespace with setns(2). setns changes only the calling
/// thread, and every thread the runtime starts from it would inherit the namespace, so this runs on a thread of
/// our own (never a pool thread): a short-lived one, or the pipeline's thread; it goes back home as soon as the
/// sockets exist, which keeps the window in which a thread could be born inside the namespace to a few syscalls
/// that start none. A socket keeps the namespace it was created in.
/// </summary>
internal static class NamespaceEntry
{
    private const string ThreadNamespacePath = "/proc/thread-self/ns/net";

    /// <summary>
    /// Runs <paramref name="create"/> inside namespace <paramref name="ns"/> (null: where the thread already is). With
    /// <paramref name="stayingThread"/> the caller's thread goes on afterwards (a pipeline thread): one that could not
    /// come back home would do everything after in the wrong namespace, so the process ends instead.
    /// </summary>
    public static T CreateInside<T>(string? ns, Func<T> create, bool stayingThread = false)
    {
        if (ns is null)
        {
            return create();
        }
        if (Thread.CurrentThread.IsThreadPoolThread)
        {
            throw new InvalidOperationException("setns must never run on a thread-pool thread: the pool would reuse it inside the namespace.");
        }
        using var target = OpenNamespace(ns);
        using var home = Open(ThreadNamespacePath, errno => new NetNsException(
            $"Cannot open this thread's network namespace ({ThreadNamespacePath}): {Libc.ErrorText(errno)}.",
            "NamespaceOpenFailed", ErrorCategory.OpenError, ThreadNamespacePath));
        if (Libc.SetNs(target.Value, Libc.CloneNewNet) != 0)
        {
            throw SetnsFailed(ns, Libc.LastError);
        }
        try
        {
            return create();
        }
        finally
        {
            // Should going back fail, the thread stays inside: a thread of our own ends right after its probe, so nothing
            // else runs there; a staying thread must not go on.
            if (Libc.SetNs(home.Value, Libc.CloneNewNet) != 0 && stayingThread)
            {
                Environment.FailFast($"NetNsPS: a thread could not return from network namespace '{ns}' to its own (setns: {Libc.ErrorText(Libc.LastError)}).");
            }
        }
    }

    private static FileDescriptor OpenNamespace(string ns) => Open(NetState.NamespacePath(ns), errno => errno == Libc.ENoEnt
        ? Errors.NamespaceNotFound(ns)
        : new NetNsException($"Cannot open {NetState.NamespacePath(ns)}: {Libc.ErrorText(errno)}.", "NamespaceOpenFailed",
            errno is Libc.EPerm or Libc.EAcces ? ErrorCategory.PermissionDenied : ErrorCategory.OpenError, ns));

    private static FileDescriptor Open(string path, Func<int, NetNsException> error)
    {
        var fd = Libc.Open(path, Libc.OReadOnly | Libc.OCloExec);
        return fd >= 0 ? new FileDescriptor(fd) : throw error(Libc.LastError);
    }

    private static NetNsException SetnsFailed(string ns, int errno) => errno == Libc.EPerm
        ? new NetNsException(
            $"Entering network namespace '{ns}' needs CAP_SYS_ADMIN (setns: {Libc.ErrorText(errno)}). Run pwsh as root (sudo pwsh).",
            "NamespaceEntryDenied", ErrorCategory.PermissionDenied, ns)
        : new NetNsException($"Cannot enter network namespace '{ns}' (setns: {Libc.ErrorText(errno)}).",
            "NamespaceEntryFailed", ErrorCategory.InvalidOperation, ns);
}
