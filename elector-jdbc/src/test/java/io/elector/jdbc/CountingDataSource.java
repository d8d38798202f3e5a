package io.elector.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Wraps a DataSource and counts every statement executed through it (one per execute call). */
final class CountingDataSource implements DataSource {
    private final DataSource target;
    private final AtomicLong statements = new AtomicLong();

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    long statements() {
        return statements.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(target.getConnection(user, password));
    }

    private Connection wrap(Connection c) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                    Object r = invoke(c, m, args);
                    if (r instanceof Statement s) {
                        return wrapStatement(s);
                    }
                    return r;
                });
    }

    private Object wrapStatement(Statement s) {
        Class<?>[] ifaces =
                s.getClass().getInterfaces().length == 0 ? new Class<?>[] {Statement.class} : allStatementInterfaces(s);
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().startsWith("execute")) {
                statements.incrementAndGet();
            }
            return invoke(s, m, args);
        };
        return Proxy.newProxyInstance(Statement.class.getClassLoader(), ifaces, h);
    }

    private static Class<?>[] allStatementInterfaces(Statement s) {
        if (s instanceof java.sql.CallableStatement) {
            return new Class<?>[] {java.sql.CallableStatement.class};
        }
        if (s instanceof java.sql.PreparedStatement) {
            return new Class<?>[] {java.sql.PreparedStatement.class};
        }
        return new Class<?>[] {Statement.class};
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
