using System;
using System.Collections.Generic;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>The value a work item returned, or the exception it threw (kept for the pipeline thread to report).</summary>
internal readonly record struct WorkResult<T>(T? Value, Exception? Error);

/// <summary>
/// Runs work items each on a new thread of its own, at most <c>maxParallel</c> at a time. Never a pool thread
/// and never reused: work that calls setns(2) leaves its thread changed, so the thread must end with the item.
/// </summary>
internal static class DedicatedThreads
{
    private const int StackSize = 256 * 1024;

    /// <summary>Results in the order of <paramref name="inputs"/>; Ctrl+C stops the waiting at once, running items notice it themselves.</summary>
    public static IReadOnlyList<WorkResult<TResult>> Run<TInput, TResult>(
        IReadOnlyList<TInput> inputs, Func<TInput, TResult> work, int maxParallel, CancellationToken token)
    {
        var results = new WorkResult<TResult>[inputs.Count];
        // Not disposed: after Ctrl+C, threads still running release and signal them on their way out.
        var slots = new SemaphoreSlim(maxParallel);
        var finished = new CountdownEvent(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            slots.Wait(token);
            var index = i;
            var thread = new Thread(() =>
            {
                try
                {
                    results[index] = new WorkResult<TResult>(work(inputs[index]), null);
                }
                catch (Exception e)
                {
                    // An exception escaping a thread would end the whole process; the pipeline thread reports it.
                    results[index] = new WorkResult<TResult>(default, e);
                }
                finally
                {
                    slots.Release();
                    finished.Signal();
                }
            }, StackSize)
            {
                IsBackground = true,
                Name = "NetNsPS dedicated",
            };
            thread.Start();
        }
        finished.Wait(token);
        return results;
    }
}
