using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

public class DedicatedThreadsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void EachItemRunsOnANewThreadOfItsOwn_NeverAPoolThread_ResultsInInputOrder()
    {
        var inputs = Enumerable.Range(0, 20).ToList();
        var threads = new Thread[inputs.Count];
        var onPoolThread = new bool[inputs.Count];
        var results = DedicatedThreads.Run(inputs, i =>
        {
            threads[i] = Thread.CurrentThread;
            onPoolThread[i] = Thread.CurrentThread.IsThreadPoolThread;
            Thread.Sleep(5 * (i % 3));
            return i * 10;
        }, maxParallel: 4, CancellationToken.None);

        Assert.Equal(inputs.Select(i => i * 10), results.Select(r => r.Value));
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.DoesNotContain(true, onPoolThread);
        Assert.DoesNotContain(Thread.CurrentThread, threads);
        // Thread objects, not ids: .NET recycles the id of a finished thread, never its Thread object.
        Assert.Equal(inputs.Count, threads.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public async Task NoMoreThanMaxParallelRunAtOnce()
    {
        using var gate = new ManualResetEventSlim();
        var started = 0;
        var run = Task.Run(() => DedicatedThreads.Run(Enumerable.Range(0, 7).ToList(), i =>
        {
            Interlocked.Increment(ref started);
            gate.Wait(Patience);
            return i;
        }, maxParallel: 3, CancellationToken.None));

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref started) == 3, Patience));
        Thread.Sleep(200);
        Assert.Equal(3, Volatile.Read(ref started));
        gate.Set();
        var results = await run.WaitAsync(Patience);
        Assert.Equal(7, started);
        Assert.Equal(Enumerable.Range(0, 7), results.Select(r => r.Value));
    }

    [Fact]
    public void AnExceptionIsKeptForItsItem_AndTheOthersStillRun()
    {
        var results = DedicatedThreads.Run(new List<int> { 1, 2, 3 },
            i => i == 2 ? throw new InvalidOperationException("boom") : i, maxParallel: 2, CancellationToken.None);

        Assert.Equal(1, results[0].Value);
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(results[1].Error).Message);
        Assert.Equal(3, results[2].Value);
    }

    [Fact]
    public async Task CancellingStopsTheWaitPromptly()
    {
        using var gate = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => DedicatedThreads.Run(Enumerable.Range(0, 5).ToList(), i =>
        {
            gate.Wait(Patience);
            return i;
        }, maxParallel: 2, cancel.Token));

        Thread.Sleep(100);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(2)));
        gate.Set();
    }
}
