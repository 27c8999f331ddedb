/// A binary min-heap: `pop()` returns the smallest element by `<`.
///
/// The encoders order their candidate merges so that "smallest" is "merge first", reproducing the
/// order of llama.cpp's `std::priority_queue` comparators exactly, ties included.
struct PriorityQueue<Element: Comparable> {
    private var heap: [Element] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
    }

    mutating func push(_ element: Element) {
        heap.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            var smallest = left
            if right < count && heap[right] < heap[left] { smallest = right }
            guard heap[smallest] < heap[parent] else { break }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }
}
