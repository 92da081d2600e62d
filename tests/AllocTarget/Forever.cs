using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AllocTarget;

/// <summary>A loop that never returns, so its method runs as tier-0 code and then as its on-stack-replacement version.</summary>
public static class Forever
{
    private static readonly object[] Sink = new object[1024];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AllocForever()
    {
        var clock = Stopwatch.StartNew();
        bool announced = false;
        for (long count = 0; ; count++)
        {
            Sink[count & 1023] = new byte[100];
            if (!announced && clock.ElapsedMilliseconds >= 1000)
            {
                announced = true;
                Console.WriteLine("ready");
            }
        }
    }
}
