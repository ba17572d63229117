export declare const nextBin: (root?: string) => string;
export declare function buildIfStale(root?: string): void;
