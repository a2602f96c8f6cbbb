package io.podshim.linux;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The raw libc surface podshim binds through JNR. Package-private on purpose: callers outside
 * {@code io.podshim.linux} see only the typed facades, which turn -1/errno into
 * {@link SyscallException}. {@code setns} and {@code unshare} in particular must only be reached
 * through {@link NamespaceThread} (docs/ARCHITECTURE.md, "The JVM and namespaces"), which a test enforces.
 */
final class LibC {
    private LibC() {}

    /**
     * Public only because JNR generates its implementation in a class loader of its own, which may
     * implement a public interface only; the package-private enclosing class keeps it out of reach.
     * Integer arguments of variadic functions ({@code syscall}, {@code prctl}, {@code ioctl},
     * {@code fcntl}, {@code open}) are declared {@code long} where the kernel reads a full register.
     */
    public interface Functions {
        int unshare(int flags);

        int setns(int fd, int nstype);

        int mount(String source, String target, String fstype, long flags, String data);

        int umount2(String target, int flags);

        long syscall(long number, long a1, long a2, long a3, long a4);

        long syscall(long number, String a1, String a2);

        int sethostname(@In byte[] name, long len);

        int gethostname(@Out byte[] name, long len);

        int prctl(int option, long a2, long a3, long a4, long a5);

        int prctl(int option, @In byte[] a2, long a3, long a4, long a5);

        int kill(int pid, int signal);

        int waitid(int idtype, int id, Pointer info, int options);

        int poll(Pointer fds, long nfds, int timeoutMillis);

        int open(String path, int flags, int mode);

        int close(int fd);

        int rmdir(String path);

        int pipe2(@Out int[] fds, int flags);

        int fcntl(int fd, int cmd, int arg);

        long read(int fd, @Out byte[] buf, long count);

        long write(int fd, @In byte[] buf, long count);

        long tee(int fdIn, int fdOut, long len, int flags);

        int socket(int domain, int type, int protocol);

        int connect(int fd, @In byte[] address, int length);

        int shutdown(int fd, int how);

        int getsockopt(int fd, int level, int name, @Out int[] value, @In @Out int[] length);

        int ioctl(int fd, long request, Pointer arg);

        /** For the requests whose argument is a number, not a pointer (TIOCGPTPEER's open flags). */
        int ioctl(int fd, long request, long arg);

        int statfs(String path, Pointer buf);

        // posix_spawn returns the error number instead of setting errno.
        int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

        int posix_spawnp(IntByReference pid, String file, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

        int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

        int posix_spawn_file_actions_addclose(Pointer actions, int fd);

        int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

        int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

        int sigemptyset(Pointer set);

        int sigfillset(Pointer set);

        int sigdelset(Pointer set, int signal);
    }
}
