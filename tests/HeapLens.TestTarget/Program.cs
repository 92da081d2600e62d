// A target process for integration tests: it builds exactly what it is told on stdin, answers "OK"
// when done, and so the tests know what the heap holds. Commands:
//   items N            Holder.s_items (List<Item>) gets N more Item objects (fixed size: 2 longs)
//   chain N            Holder.s_chain becomes a linked list of N ChainNode objects
//   arrays N SIZE      Holder.s_arrays (List<byte[]>) gets N more byte[SIZE]; the answer ends with
//                      " capacity=C", the room in the list's backing array
//   shared N           two Holder fields share one array of N Item objects (a diamond)
//   garbage N          allocates N short-lived objects and drops them
//   cwt N              Holder.s_keys holds N Key objects; a ConditionalWeakTable attaches a Value to each
//   nested N           Holder.s_lookup (Dictionary<int, Item>) gets N entries, and Left.s_inners and
//                      Right.s_inners N each of Left.Inner and Right.Inner (two nested types named Inner)
//   gc N               runs N full blocking GCs; the answer ends with " gen2=G", the process's gen2 count
//   exit               ends the process
using Fixture;

Console.WriteLine($"READY {Environment.ProcessId}");
string? line;
while ((line = Console.ReadLine()) is not null)
{
    string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    if (words.Length == 0)
        continue;
    if (words[0] == "exit")
        return;
    if (!Commands.Run(words))
    {
        Console.WriteLine($"ERROR unknown command {words[0]}");
        continue;
    }
    Console.WriteLine($"OK {line}{Commands.Reply}");
}

namespace Fixture
{
    /// <summary>
    /// Each command builds its objects in a method of its own that has returned before the snapshot:
    /// a local still on the stack would be a root of its own and change who retains what.
    /// </summary>
    public static class Commands
    {
        /// <summary>What the last command adds to its "OK" answer, for facts only the target knows.</summary>
        public static string Reply = "";

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public static bool Run(string[] words)
        {
            Reply = "";
            switch (words[0])
            {
                case "items":
                    for (int i = 0, n = int.Parse(words[1]); i < n; i++)
                        Holder.s_items.Add(new Item(i, -i));
                    return true;
                case "chain":
                    Chain(int.Parse(words[1]));
                    return true;
                case "arrays":
                    for (int i = 0, n = int.Parse(words[1]), size = int.Parse(words[2]); i < n; i++)
                        Holder.s_arrays.Add(new byte[size]);
                    // The list's backing array has room for Capacity elements: the tests need it to know the exact bytes.
                    Reply = $" capacity={Holder.s_arrays.Capacity}";
                    return true;
                case "shared":
                    Shared(int.Parse(words[1]));
                    return true;
                case "cwt":
                    for (int i = 0, n = int.Parse(words[1]); i < n; i++)
                        Attach();
                    return true;
                case "nested":
                    Nested(int.Parse(words[1]));
                    return true;
                case "garbage":
                    for (int i = 0, n = int.Parse(words[1]); i < n; i++)
                        GC.KeepAlive(new object[4]);
                    return true;
                case "gc":
                    for (int i = 0, n = int.Parse(words[1]); i < n; i++)
                        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                    Reply = $" gen2={GC.CollectionCount(2)}";
                    return true;
                default:
                    return false;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void Chain(int length)
        {
            ChainNode? head = null;
            for (int i = 0; i < length; i++)
                head = new ChainNode(head);
            Holder.s_chain = head;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void Shared(int count)
        {
            var shared = new SharedItem[count];
            for (int i = 0; i < shared.Length; i++)
                shared[i] = new SharedItem();
            Holder.s_left = new SharedHolder(shared);
            Holder.s_right = new SharedHolder(shared);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void Nested(int count)
        {
            for (int i = 0; i < count; i++)
            {
                Holder.s_lookup.Add(Holder.s_lookup.Count, new Item(i, i));
                Left.s_inners.Add(new Left.Inner());
                Right.s_inners.Add(new Right.Inner());
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void Attach()
        {
            var key = new Key();
            Holder.s_keys.Add(key);
            Holder.s_attached.Add(key, new Value());
        }
    }

    public static class Holder
    {
        public static readonly List<Item> s_items = [];
        public static ChainNode? s_chain;
        public static readonly List<byte[]> s_arrays = [];
        public static SharedHolder? s_left;
        public static SharedHolder? s_right;
        public static readonly List<Key> s_keys = [];
        public static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Key, Value> s_attached = new();
        public static readonly Dictionary<int, Item> s_lookup = [];
    }

    public static class Left
    {
        public static readonly List<Inner> s_inners = [];

        public sealed class Inner
        {
            public long Payload;
        }
    }

    public static class Right
    {
        public static readonly List<Inner> s_inners = [];

        public sealed class Inner
        {
            public long Payload;
            public long More;
        }
    }

    public sealed class Key;

    public sealed class Value
    {
        public long Payload;
    }

    public sealed class Item(long a, long b)
    {
        public long A = a;
        public long B = b;
    }

    public sealed class ChainNode(ChainNode? next)
    {
        public ChainNode? Next = next;
    }

    public sealed class SharedItem
    {
        public long Value;
    }

    public sealed class SharedHolder(SharedItem[] items)
    {
        public SharedItem[] Items = items;
    }
}
