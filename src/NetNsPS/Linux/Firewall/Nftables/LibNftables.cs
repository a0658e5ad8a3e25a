using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// libnftables (Debian package libnftables1), the library the `nft` program is a thin front end of: one context per
/// process, created on first use and kept under a lock. Each call hands it command text exactly as `nft` would get it
/// on its command line or from `nft -f`, which it runs as one netlink batch (one kernel transaction, all or nothing).
/// The context's netlink socket belongs to the network namespace of the thread that made it; the module's firewall is
/// that of the process's own namespace, which every cmdlet thread is in.
/// </summary>
public static class LibNftables
{
    public const string Library = "libnftables.so.1";
    public const string DebianPackage = "libnftables1";

    private const uint NFT_CTX_DEFAULT = 0;
    private const uint NFT_CTX_OUTPUT_HANDLE = 8;
    private const uint NFT_CTX_OUTPUT_JSON = 16;

    private static readonly object Gate = new();
    private static IntPtr _context;

    /// <summary>Opened with the context, on the same thread, so both see the same network namespace's ruleset.</summary>
    private static NftGeneration? _generation;

    /// <summary>Runs through this context that changed something and succeeded (each one kernel transaction): all, and the calling thread's.</summary>
    private static long _commits;

    [ThreadStatic]
    private static long _threadCommits;

    [DllImport(Library, EntryPoint = "nft_ctx_new")]
    private static extern IntPtr CtxNew(uint flags);

    [DllImport(Library, EntryPoint = "nft_ctx_free")]
    private static extern void CtxFree(IntPtr ctx);

    [DllImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    private static extern int BufferOutput(IntPtr ctx);

    [DllImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    private static extern IntPtr GetOutputBuffer(IntPtr ctx);

    [DllImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    private static extern int BufferError(IntPtr ctx);

    [DllImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    private static extern IntPtr GetErrorBuffer(IntPtr ctx);

    [DllImport(Library, EntryPoint = "nft_ctx_output_set_flags")]
    private static extern void OutputSetFlags(IntPtr ctx, uint flags);

    [DllImport(Library, EntryPoint = "nft_run_cmd_from_buffer")]
    private static extern int RunCmdFromBuffer(IntPtr ctx, [MarshalAs(UnmanagedType.LPUTF8Str)] string buffer);

    private static bool _loaded;

    /// <summary>
    /// Whether the library can be loaded here (it, or libjansson it needs, may be missing). Once it could, it stays
    /// so for the process (the runtime keeps a P/Invoke library loaded); until then every call looks again.
    /// </summary>
    public static bool IsAvailable
    {
        get
        {
            if (_loaded)
            {
                return true;
            }
            if (!NativeLibrary.TryLoad(Library, typeof(LibNftables).Assembly, null, out var handle))
            {
                return false;
            }
            NativeLibrary.Free(handle);
            return _loaded = true;
        }
    }

    /// <summary>
    /// Runs command text (one command, or many on lines of their own) as `nft` would, in one transaction. With
    /// <paramref name="json"/> the output is JSON with handles (`nft -j -a`). Returns nft's exit code (0 or 1), its
    /// output and its error text, copied out of the context's buffers at once.
    /// </summary>
    public static ProcessResult Run(string commands, bool json = false)
    {
        lock (Gate)
        {
            var ctx = Context();
            OutputSetFlags(ctx, json ? NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE : 0);
            var rc = RunCmdFromBuffer(ctx, commands);
            var output = Marshal.PtrToStringUTF8(GetOutputBuffer(ctx)) ?? "";
            var error = Marshal.PtrToStringUTF8(GetErrorBuffer(ctx)) ?? "";
            if (rc == 0 && !IsReadOnly(commands))
            {
                _commits++;
                _threadCommits++;
            }
            return new ProcessResult(rc == 0 ? 0 : 1, output, error.TrimEnd('\n'));
        }
    }

    /// <summary>Whether command text only lists (every line a `list` command): it commits no transaction.</summary>
    internal static bool IsReadOnly(string commands)
    {
        foreach (var line in commands.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith("list ", StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The ruleset generation of the context's network namespace (<see cref="NftGeneration"/>) with the counts of this
    /// context's own committed runs, read together (<see cref="NftGenerationMark.OnlyOwnSince"/>). Null where the
    /// generation cannot be read.
    /// </summary>
    internal static NftGenerationMark? Generation()
    {
        lock (Gate)
        {
            Context();
            if (_generation is null)
            {
                return null;
            }
            try
            {
                return new NftGenerationMark(_generation.Read(), _commits, _threadCommits);
            }
            catch (NetlinkException)
            {
                return null;
            }
        }
    }

    /// <summary>Frees the context (the next call makes a new one); for tests and for a process that wants its socket back.</summary>
    public static void Reset()
    {
        lock (Gate)
        {
            if (_context != IntPtr.Zero)
            {
                CtxFree(_context);
                _context = IntPtr.Zero;
            }
            _generation?.Dispose();
            _generation = null;
            NftablesCache.Clear();
        }
    }

    private static IntPtr Context()
    {
        if (_context != IntPtr.Zero)
        {
            return _context;
        }
        IntPtr ctx;
        try
        {
            ctx = CtxNew(NFT_CTX_DEFAULT);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw Missing(e);
        }
        if (ctx == IntPtr.Zero)
        {
            throw new NetNsException("libnftables could not make a context (nft_ctx_new returned NULL).", "NftablesUnavailable",
                ErrorCategory.ResourceUnavailable, Library);
        }
        if (BufferOutput(ctx) != 0 || BufferError(ctx) != 0)
        {
            CtxFree(ctx);
            throw new NetNsException("libnftables could not buffer its output.", "NftablesUnavailable", ErrorCategory.ResourceUnavailable, Library);
        }
        try
        {
            _generation = NftGeneration.Open();
        }
        catch (NetlinkException)
        {
            // No NETLINK_NETFILTER socket here: every read is then a whole read.
            _generation = null;
        }
        return _context = ctx;
    }

    /// <summary>The error for a library that is not there, naming the Debian package that ships it.</summary>
    public static NetNsException Missing(Exception? inner = null) => new(
        $"The nftables firewall driver needs the library '{Library}', which could not be loaded{(inner is null ? "" : ": " + inner.Message)}. Install it with: apt-get install {DebianPackage}",
        "LibraryNotFound", ErrorCategory.ObjectNotFound, Library, inner);
}
