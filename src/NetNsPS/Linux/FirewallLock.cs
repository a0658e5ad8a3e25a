using System;
using System.IO;
using System.Management.Automation;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>
/// Serialises the module's own firewall changes across processes and runspaces: a cmdlet holds it from reading the
/// firewall to applying its plan, so two scripts side by side never both plan `iptables -N NETNSPS-...` (one then
/// fails with "Chain already exists") or both add the one jump. An exclusive flock on /run/netnsps.lock (tmpfs, like
/// the state it guards): the kernel drops it when the holder exits, even after kill -9, so it never goes stale.
/// </summary>
public sealed class FirewallLock : IDisposable
{
    public const string DefaultPath = "/run/netnsps.lock";

    /// <summary>How long to wait for another holder; a cmdlet waiting at a -Confirm prompt holds it that long.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // .NET reports a held flock as an IOException whose HResult is the errno EWOULDBLOCK (11), or ERROR_SHARING_VIOLATION.
    private const int WouldBlock = 11;
    private const int SharingViolation = unchecked((int)0x80070020);

    private readonly FileStream _stream;

    private FirewallLock(FileStream stream) => _stream = stream;

    /// <summary>Waits for the lock (polling, so Ctrl+C is honoured) and returns it; dispose to release.</summary>
    public static FirewallLock Acquire(CancellationToken token, string path = DefaultPath, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            token.ThrowIfCancellationRequested();
            try
            {
                // FileShare.None is an exclusive, non-blocking flock(2) on Linux.
                return new FirewallLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (e.HResult is WouldBlock or SharingViolation)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new NetNsException(
                        $"Another NetNsPS command has held {path} for more than {(timeout ?? DefaultTimeout).TotalSeconds:0} s (perhaps waiting at a -Confirm prompt); try again when it has finished.",
                        "FirewallLockTimeout", ErrorCategory.ResourceBusy, path);
                }
                token.WaitHandle.WaitOne(20);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new NetNsException($"Could not open the lock file {path}: {e.Message}", "FirewallLockFailed",
                    ErrorCategory.OpenError, path);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
