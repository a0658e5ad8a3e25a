using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>
/// Serialises the module's own changes to shared state across processes and runspaces: a cmdlet holds it from reading
/// the state to applying its plan, so two scripts side by side never both plan `iptables -N NETNSPS-...` (one then
/// fails with "Chain already exists") or both add the one jump, and one never rolls back (deletes) a bridge that the
/// other has already taken as existing. Held by the firewall cmdlets and by the ensure operations on objects scripts
/// share (New-NetBridge, New-NetNamespace, Add-NsIPAddress). An exclusive flock on /run/netnsps/NETNS.lock, one per
/// network namespace the process runs in, as the state it guards is (processes in other network namespaces, such as
/// containers or test sandboxes, manage other firewalls and need not wait); /run is a tmpfs, like that state. The
/// kernel drops the lock when the holder exits, even after kill -9, so it never goes stale.
/// </summary>
public sealed class FirewallLock : IDisposable
{
    public const string Directory = "/run/netnsps";

    /// <summary>The lock of the network namespace this process runs in (by the namespace's inode number).</summary>
    public static string DefaultPath => Path.Combine(Directory, NetnsId() + ".lock");

    /// <summary>How long to wait for another holder; a cmdlet waiting at a -Confirm prompt holds it that long.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // .NET reports a held flock as an IOException whose HResult is the errno EWOULDBLOCK (11), or ERROR_SHARING_VIOLATION.
    private const int WouldBlock = 11;
    private const int SharingViolation = unchecked((int)0x80070020);

    private readonly FileStream _stream;

    private FirewallLock(FileStream stream) => _stream = stream;

    /// <summary>Waits for the lock (polling, so Ctrl+C is honoured) and returns it; dispose to release.</summary>
    public static FirewallLock Acquire(CancellationToken token, string? path = null, TimeSpan? timeout = null)
    {
        if (path is null)
        {
            path = DefaultPath;
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new NetNsException($"Could not create {Directory} for the lock file: {e.Message}", "FirewallLockFailed",
                    ErrorCategory.OpenError, Directory);
            }
        }
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

    /// <summary>"net:[4026531833]" -> "4026531833"; "self" when /proc does not say.</summary>
    public static string NetnsId()
    {
        var link = Sandbox.CurrentNetns();
        var digits = new string(link.Where(char.IsAsciiDigit).ToArray());
        return digits.Length > 0 ? digits : "self";
    }
}
