using Xunit;

namespace NetNsPS.Tests;

/// <summary>Tests that touch process-wide state (environment variables, Console.Out) must not run in parallel.</summary>
[CollectionDefinition("Environment", DisableParallelization = true)]
public class EnvironmentCollection
{
}
